import { describe, expect, it } from 'vitest';
import { PartUploadError, type PutPart, partRange, planParts, uploadParts } from './upload-parts';

const instant = async () => {};

describe('planParts', () => {
  it('cuts the file into parts of partSize, the last one shorter', () => {
    const { todo, done, doneBytes } = planParts(25, { partSize: 10, partCount: 3, uploaded: [] });
    expect(todo).toEqual([
      { partNumber: 1, start: 0, end: 10 },
      { partNumber: 2, start: 10, end: 20 },
      { partNumber: 3, start: 20, end: 25 },
    ]);
    expect(done.size).toBe(0);
    expect(doneBytes).toBe(0);
  });

  it('keeps parts already stored with the expected size and sends the others again', () => {
    const { todo, done, doneBytes } = planParts(25, {
      partSize: 10,
      partCount: 3,
      uploaded: [
        { partNumber: 1, etag: 'a', sizeBytes: 10 },
        { partNumber: 2, etag: 'b', sizeBytes: 4 }, // cut short: send again
        { partNumber: 3, etag: 'c', sizeBytes: 5 },
        { partNumber: 9, etag: 'z', sizeBytes: 10 }, // not a part of this file
      ],
    });
    expect(todo.map((p) => p.partNumber)).toEqual([2]);
    expect([...done.entries()]).toEqual([
      [1, 'a'],
      [3, 'c'],
    ]);
    expect(doneBytes).toBe(15);
  });

  it('refuses a plan that does not fit the file', () => {
    expect(() => planParts(25, { partSize: 10, partCount: 2, uploaded: [] })).toThrow(RangeError);
    expect(() => planParts(0, { partSize: 10, partCount: 0, uploaded: [] })).toThrow(RangeError);
  });

  it('gives the range of one part', () => {
    expect(partRange(3, 25, 10)).toEqual({ partNumber: 3, start: 20, end: 25 });
  });
});

function fakeStore(failures: Record<number, number[]> = {}) {
  const stored = new Map<number, string>();
  const presigned: number[][] = [];
  const attempts = new Map<number, number>();
  const put: PutPart = async (url, body, onBytes) => {
    const n = Number(new URL(url).searchParams.get('part'));
    const attempt = (attempts.get(n) ?? 0) + 1;
    attempts.set(n, attempt);
    const status = failures[n]?.[attempt - 1];
    if (status === -1) throw new TypeError('Failed to fetch');
    if (status !== undefined) return { status, etag: null };
    onBytes(body.size);
    const text = await body.text();
    stored.set(n, text);
    return { status: 200, etag: `"etag-${n}-${text}"` };
  };
  const presign = async (partNumbers: number[]) => {
    presigned.push(partNumbers);
    return partNumbers.map((partNumber) => ({ partNumber, url: `https://store.test/x?part=${partNumber}` }));
  };
  return { stored, presigned, attempts, put, presign };
}

describe('uploadParts', () => {
  const file = new Blob(['aaaaabbbbbccccc12']);
  const plan = { partSize: 5, partCount: 4, uploaded: [] };

  it('sends every part and returns the ETags in part order', async () => {
    const store = fakeStore();
    const progress: number[] = [];
    const parts = await uploadParts({
      file,
      plan,
      presign: store.presign,
      put: store.put,
      parallel: 2,
      onProgress: (bytes) => progress.push(bytes),
      sleep: instant,
    });
    expect(parts).toEqual([
      { partNumber: 1, etag: '"etag-1-aaaaa"' },
      { partNumber: 2, etag: '"etag-2-bbbbb"' },
      { partNumber: 3, etag: '"etag-3-ccccc"' },
      { partNumber: 4, etag: '"etag-4-12"' },
    ]);
    expect(progress.at(-1)).toBe(17);
    // One presign batch covers the parts that follow.
    expect(store.presigned[0]).toEqual([1, 2, 3, 4]);
  });

  it('sends only the missing parts of a resumed upload', async () => {
    const store = fakeStore();
    const parts = await uploadParts({
      file,
      plan: { ...plan, uploaded: [{ partNumber: 2, etag: 'kept', sizeBytes: 5 }] },
      presign: store.presign,
      put: store.put,
      sleep: instant,
    });
    expect([...store.stored.keys()].sort()).toEqual([1, 3, 4]);
    expect(parts.find((p) => p.partNumber === 2)?.etag).toBe('kept');
  });

  it('retries a failed part with a fresh URL', async () => {
    const store = fakeStore({ 3: [503, -1, 403] });
    const parts = await uploadParts({ file, plan, presign: store.presign, put: store.put, sleep: instant });
    expect(parts).toHaveLength(4);
    expect(store.attempts.get(3)).toBe(4);
    expect(store.presigned.filter((batch) => batch.length === 1 && batch[0] === 3)).toHaveLength(3);
  });

  it('gives up on a part the storage refuses', async () => {
    const store = fakeStore({ 2: [400] });
    await expect(
      uploadParts({ file, plan, presign: store.presign, put: store.put, sleep: instant }),
    ).rejects.toThrow(new PartUploadError('storage refused part 2 (HTTP 400)'));
  });

  it('gives up after the last attempt', async () => {
    const store = fakeStore({ 1: [500, 500, 500] });
    await expect(
      uploadParts({ file, plan, presign: store.presign, put: store.put, attempts: 3, sleep: instant }),
    ).rejects.toThrow(/part 1 failed 3 times \(last: HTTP 500\)/);
  });

  it('explains a missing ETag (CORS)', async () => {
    const store = fakeStore();
    const put: PutPart = async (url, body, onBytes, signal) => ({
      ...(await store.put(url, body, onBytes, signal)),
      etag: null,
    });
    await expect(uploadParts({ file, plan, presign: store.presign, put, sleep: instant })).rejects.toThrow(
      /CORS rule that exposes the ETag header/,
    );
  });

  it('stops with the reason when cancelled', async () => {
    const store = fakeStore();
    const controller = new AbortController();
    const put: PutPart = async (url, body, onBytes, signal) => {
      controller.abort(new Error('cancelled'));
      signal.throwIfAborted();
      return store.put(url, body, onBytes, signal);
    };
    await expect(
      uploadParts({ file, plan, presign: store.presign, put, signal: controller.signal, sleep: instant }),
    ).rejects.toThrow('cancelled');
    expect(store.stored.size).toBe(0);
  });
});
