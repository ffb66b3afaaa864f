import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  StorageArgumentError,
  StorageKeyError,
  StorageNotFoundError,
  StorageUploadNotFoundError,
} from './errors.js';
import { MIN_PART_SIZE, type ObjectStorage } from './storage.js';

/** Deterministic pseudo-random bytes, so a mismatch shows up as a different hash, never a lucky match. */
export function testBytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed * 2_654_435_761;
  for (let i = 0; i < length; i++) {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const put = (url: string, body: Uint8Array, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'PUT', body, headers });
const download = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
};

export const BAD_KEYS: [string, string][] = [
  ['', 'empty'],
  ['/models/x', 'leading slash'],
  ['models/../etc/passwd', '".." segment'],
  ['models/./x', '"." segment'],
  ['models//x', 'empty segment'],
  ['models/x/', 'trailing slash'],
  ['models\\x', 'backslash'],
  ['models/x\u0000y', 'NUL'],
  ['models/x\ny', 'newline'],
  [`models/${'é'.repeat(512)}`, 'over 1024 UTF-8 bytes'],
];

/**
 * The behaviour every `ObjectStorage` backend must share, exercised the way agents and browsers use it:
 * bytes move through presigned URLs with real HTTP. Only what both backends (and R2) honour is asserted
 * here; backend-specific checks (signature tampering, multipart ETag format…) live in their own tests.
 */
export function storageContract(
  name: string,
  setup: () => Promise<{ storage: ObjectStorage; teardown(): Promise<void> }>,
): void {
  describe(`ObjectStorage contract: ${name}`, () => {
    let storage: ObjectStorage;
    let teardown: () => Promise<void>;
    beforeAll(async () => {
      ({ storage, teardown } = await setup());
    });
    afterAll(async () => {
      await teardown?.();
    });

    it('puts, heads, gets and deletes a small object; delete is idempotent', async () => {
      const key = 'snapshots/default/1.yaml';
      const data = Buffer.from('name: default\nversion: 1\n');
      const { etag } = await storage.put(key, data, { contentType: 'application/yaml' });
      expect(etag).toBe(`"${createHash('md5').update(data).digest('hex')}"`);
      const info = await storage.head(key);
      expect(info).toMatchObject({ size: data.length, etag, contentType: 'application/yaml' });
      expect(info?.lastModified).toBeInstanceOf(Date);
      expect(await readAll(await storage.get(key))).toEqual(data);

      await storage.delete(key);
      expect(await storage.head(key)).toBeNull();
      await expect(storage.get(key)).rejects.toBeInstanceOf(StorageNotFoundError);
      await storage.delete(key);
      await storage.delete('snapshots/never/existed.yaml');
    });

    it('puts from a stream and replaces an object whole', async () => {
      const key = 'outputs/inst-1/stream.bin';
      const first = testBytes(300_000, 2);
      await storage.put(key, Readable.from([first.subarray(0, 100_000), first.subarray(100_000)]));
      expect(sha(await readAll(await storage.get(key)))).toBe(sha(first));
      const second = testBytes(1000, 3);
      await storage.put(key, second);
      expect(await readAll(await storage.get(key))).toEqual(second);
      expect((await storage.head(key))?.size).toBe(1000);
    });

    it('answers null/not found for a missing object', async () => {
      expect(await storage.head('outputs/none/missing.png')).toBeNull();
      await expect(storage.get('outputs/none/missing.png')).rejects.toThrow(/missing\.png.*not found/);
    });

    it('lists by string prefix, in order, page by page', async () => {
      // Keys chosen so folder-walking and byte order agree: s3rver walks folders ("a-b" after "a/1"), S3, R2
      // and the local store sort by bytes ("a-b" first); the local test checks that case.
      const keys = ['lst/a/1', 'lst/a/2', 'lst/ab/1', 'lst/b', 'lst/c/d/e'];
      for (const key of [...keys].reverse()) await storage.put(key, Buffer.from(key));
      await storage.put('lstx/other', Buffer.from('x'));

      const all = await storage.list('lst/');
      expect(all.keys.map((k) => k.key)).toEqual(keys);
      expect(all.next).toBeUndefined();
      expect(all.keys[0]).toMatchObject({ key: 'lst/a/1', size: 'lst/a/1'.length });
      expect(all.keys[0]?.lastModified).toBeInstanceOf(Date);
      expect((await storage.list('lst/a')).keys.map((k) => k.key)).toEqual([
        'lst/a/1',
        'lst/a/2',
        'lst/ab/1',
      ]);

      const pages: string[][] = [];
      let after: string | undefined;
      do {
        const page = await storage.list('lst/', { limit: 2, ...(after ? { after } : {}) });
        pages.push(page.keys.map((k) => k.key));
        after = page.next;
      } while (after);
      expect(pages).toEqual([['lst/a/1', 'lst/a/2'], ['lst/ab/1', 'lst/b'], ['lst/c/d/e']]);
      expect((await storage.list('lst/', { after: 'lst/a/1', limit: 2 })).keys.map((k) => k.key)).toEqual([
        'lst/a/2',
        'lst/ab/1',
      ]);
      expect((await storage.list('nothing/here/')).keys).toEqual([]);
      await expect(storage.list('lst/', { limit: 0 })).rejects.toBeInstanceOf(StorageArgumentError);
      await expect(storage.list('/lst')).rejects.toBeInstanceOf(StorageKeyError);
    });

    it('round-trips bytes through a presigned PUT and a presigned GET', async () => {
      const key = 'outputs/inst-2/images/ü ber+plus&amp=eq?.png';
      const data = testBytes(2 * 1024 * 1024 + 17, 4); // above the hub's 1 MiB JSON body limit
      const url = await storage.presignPut(key, {
        expiresInSeconds: 300,
        contentLength: data.length,
        contentType: 'image/png',
      });
      const res = await put(url, data, { 'content-type': 'image/png' });
      expect(res.status).toBe(200);
      const info = await storage.head(key);
      expect(info).toMatchObject({ size: data.length, contentType: 'image/png' });
      expect(res.headers.get('etag')).toBe(info?.etag);

      const got = await download(await storage.presignGet(key, { expiresInSeconds: 60 }));
      expect(got.res.status).toBe(200);
      expect(sha(got.body)).toBe(sha(data));
      expect(got.res.headers.get('etag')).toBe(info?.etag);
    });

    it('serves byte ranges and offers a download name', async () => {
      const key = 'outputs/inst-3/range.bin';
      const data = testBytes(1000, 5);
      await storage.put(key, data);
      const url = await storage.presignGet(key, { expiresInSeconds: 60, downloadName: 'résumé 1.bin' });
      const mid = await download(url, { range: 'bytes=100-199' });
      expect(mid.res.status).toBe(206);
      expect(mid.res.headers.get('content-range')).toBe('bytes 100-199/1000');
      expect(mid.body).toEqual(data.subarray(100, 200));
      const tail = await download(url, { range: 'bytes=990-' });
      expect(tail.body).toEqual(data.subarray(990));
      const disposition = mid.res.headers.get('content-disposition') ?? '';
      expect(disposition).toMatch(/^attachment; filename="r_sum_ 1\.bin"/);
      expect(disposition).toContain("filename*=UTF-8''r%C3%A9sum%C3%A9%201.bin");
    });

    it('moves an object: the source URL then writes a new object there, never at the destination', async () => {
      const [from, to] = ['staging/inst-5/upload-1', 'outputs/inst-5/moved.png'];
      const data = testBytes(70_000, 30);
      const url = await storage.presignPut(from, { expiresInSeconds: 300, contentLength: data.length });
      expect((await put(url, data, { 'content-type': 'text/html' })).status).toBe(200);
      await storage.put(to, Buffer.from('older'));
      const { etag } = await storage.move(from, to, { contentType: 'image/png' });
      expect(await storage.head(from)).toBeNull();
      expect(await storage.head(to)).toMatchObject({ size: data.length, etag, contentType: 'image/png' });
      expect((await put(url, testBytes(70_000, 31))).status).toBe(200);
      expect(sha(await readAll(await storage.get(to)))).toBe(sha(data));
      await expect(storage.move('staging/inst-5/none', to)).rejects.toBeInstanceOf(StorageNotFoundError);
    });

    it('serves a download with the type its URL signed, whatever the object was stored with', async () => {
      const key = 'outputs/inst-6/evil.html';
      await storage.put(key, Buffer.from('<script>alert(1)</script>'), { contentType: 'text/html' });
      const signed = { contentType: 'application/octet-stream', downloadName: 'evil.html' };
      const got = await download(await storage.presignGet(key, { expiresInSeconds: 60, ...signed }));
      expect(got.res.headers.get('content-type')).toBe('application/octet-stream');
      expect(got.res.headers.get('content-disposition')).toMatch(/^attachment; filename="evil\.html"/);
    });

    it('resumes a presigned multipart upload: listParts shows what is stored', async () => {
      const key = 'models/sha256/0123456789abcdef';
      const parts = [1, 2, 3].map((n) => testBytes(MIN_PART_SIZE, 10 + n));
      parts.push(testBytes(123_457, 14));
      const uploadId = await storage.createMultipart(key, { contentType: 'application/octet-stream' });
      const urls = await Promise.all(
        parts.map((_, i) => storage.presignPart(key, uploadId, i + 1, { expiresInSeconds: 600 })),
      );
      const etags = new Map<number, string>();
      const send = async (n: number) => {
        const res = await put(urls[n - 1] ?? '', parts[n - 1] ?? Buffer.alloc(0));
        expect(res.status).toBe(200);
        etags.set(n, res.headers.get('etag') ?? '');
      };

      await send(1);
      await send(3);
      const stored = await storage.listParts(key, uploadId);
      expect(stored.map((p) => [p.partNumber, p.size, p.etag])).toEqual([
        [1, MIN_PART_SIZE, etags.get(1)],
        [3, MIN_PART_SIZE, etags.get(3)],
      ]);

      await send(2);
      await send(4);
      expect((await storage.listParts(key, uploadId)).map((p) => p.partNumber)).toEqual([1, 2, 3, 4]);
      const done = await storage.completeMultipart(
        key,
        uploadId,
        [1, 2, 3, 4].map((n) => ({ partNumber: n, etag: etags.get(n) ?? '' })),
      );
      expect(done.etag).toMatch(/^".+"$/);

      const whole = Buffer.concat(parts);
      expect((await storage.head(key))?.size).toBe(whole.length);
      const got = await download(await storage.presignGet(key, { expiresInSeconds: 60 }));
      expect(sha(got.body)).toBe(sha(whole));
      await expect(storage.listParts(key, uploadId)).rejects.toBeInstanceOf(StorageUploadNotFoundError);
    });

    it('aborts a multipart upload, idempotently', async () => {
      const key = 'models/sha256/abort';
      const uploadId = await storage.createMultipart(key);
      const url = await storage.presignPart(key, uploadId, 1, { expiresInSeconds: 60 });
      expect((await put(url, testBytes(1000, 20))).status).toBe(200);
      await storage.abortMultipart(key, uploadId);
      await expect(storage.listParts(key, uploadId)).rejects.toBeInstanceOf(StorageUploadNotFoundError);
      await storage.abortMultipart(key, uploadId);
      expect(await storage.head(key)).toBeNull();
    });

    it('refuses an expired URL', async () => {
      const key = 'outputs/inst-4/expiring.txt';
      await storage.put(key, Buffer.from('soon gone'));
      const url = await storage.presignGet(key, { expiresInSeconds: 1 });
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect((await fetch(url)).status).toBe(403);
    });

    it.each(BAD_KEYS.map(([key, what]) => ({ key, what })))('rejects a bad key ($what)', async ({ key }) => {
      await expect(storage.head(key)).rejects.toBeInstanceOf(StorageKeyError);
      await expect(storage.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(StorageKeyError);
      await expect(storage.delete(key)).rejects.toBeInstanceOf(StorageKeyError);
      await expect(storage.createMultipart(key)).rejects.toBeInstanceOf(StorageKeyError);
      const error = await storage.presignGet(key, { expiresInSeconds: 60 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageKeyError);
      expect((error as Error).message).toContain(`storage key ${JSON.stringify(key)}: expected `);
    });

    it('rejects expiries outside 1 s..7 days and part numbers outside 1..10000', async () => {
      for (const expiresInSeconds of [0, 604_801, 1.5])
        await expect(storage.presignGet('a/b', { expiresInSeconds })).rejects.toBeInstanceOf(
          StorageArgumentError,
        );
      await expect(storage.presignPut('a/b', { expiresInSeconds: 604_800 })).resolves.toMatch(/^http/);
      const uploadId = await storage.createMultipart('a/multi');
      for (const n of [0, 10_001])
        await expect(storage.presignPart('a/multi', uploadId, n, { expiresInSeconds: 60 })).rejects.toThrow(
          /partNumber: expected a whole number from 1 to 10000/,
        );
      await storage.abortMultipart('a/multi', uploadId);
    });
  });
}
