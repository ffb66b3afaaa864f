import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageKeyError, StorageMultipartError, StorageUploadNotFoundError } from '../errors.js';
import { readAll, testBytes } from '../storage.contract.js';
import { MIN_PART_SIZE } from '../storage.js';
import { type RunningLocalStorage, startLocalStorage } from '../test-support/local.js';
import { parseRange } from './range.js';
import { loadOrCreateKey } from './signing.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest();

describe('local storage', () => {
  let local: RunningLocalStorage;
  beforeAll(async () => {
    local = await startLocalStorage();
  });
  afterAll(async () => {
    await local?.close();
  });

  const upload = async (key: string, uploadId: string, n: number, body: Buffer) => {
    const res = await fetch(await local.storage.presignPart(key, uploadId, n, { expiresInSeconds: 60 }), {
      method: 'PUT',
      body,
    });
    expect(res.status).toBe(200);
    return res.headers.get('etag') ?? '';
  };

  it('keeps objects as plain files under <home>/storage/objects/<key>, nothing left in temp', async () => {
    await local.storage.put('snapshots/p/1.yaml', Buffer.from('a: 1\n'));
    expect(await readFile(join(local.home, 'storage/objects/snapshots/p/1.yaml'), 'utf8')).toBe('a: 1\n');
    expect(await readdir(join(local.home, 'storage/.tmp'))).toEqual([]);
  });

  it('gives a multipart object the S3 ETag "<md5 of part md5s>-N" and drops its staging', async () => {
    const key = 'models/sha256/etag';
    const parts = [testBytes(MIN_PART_SIZE, 1), testBytes(1000, 2)];
    const uploadId = await local.storage.createMultipart(key, { contentType: 'application/x-safetensors' });
    const etags = [
      await upload(key, uploadId, 1, parts[0] as Buffer),
      await upload(key, uploadId, 2, parts[1] as Buffer),
    ];
    expect(etags[0]).toBe(`"${md5(parts[0] as Buffer).toString('hex')}"`);
    const done = await local.storage.completeMultipart(key, uploadId, [
      { partNumber: 1, etag: etags[0] ?? '' },
      { partNumber: 2, etag: (etags[1] ?? '').replace(/"/g, '') }, // quotes are optional, as on S3
    ]);
    const expected = md5(Buffer.concat(parts.map((p) => md5(p)))).toString('hex');
    expect(done.etag).toBe(`"${expected}-2"`);
    expect(await local.storage.head(key)).toMatchObject({
      etag: done.etag,
      contentType: 'application/x-safetensors',
    });
    expect(await readdir(join(local.home, 'storage/.multipart'))).toEqual([]);
  });

  it('refuses to complete with missing parts, wrong ETags, disorder or bad sizes', async () => {
    const key = 'models/sha256/bad';
    const uploadId = await local.storage.createMultipart(key);
    const small = await upload(key, uploadId, 1, testBytes(1000, 3));
    const big = await upload(key, uploadId, 2, testBytes(MIN_PART_SIZE, 4));
    const bigger = await upload(key, uploadId, 3, testBytes(MIN_PART_SIZE + 1024 * 1024, 5));
    const complete = (parts: { partNumber: number; etag: string }[]) =>
      local.storage.completeMultipart(key, uploadId, parts);
    await expect(complete([{ partNumber: 4, etag: small }])).rejects.toThrow(/part 4: not uploaded/);
    await expect(complete([{ partNumber: 1, etag: big }])).rejects.toThrow(/part 1: ETag .* does not match/);
    await expect(
      complete([
        { partNumber: 2, etag: big },
        { partNumber: 1, etag: small },
      ]),
    ).rejects.toThrow(/strictly ascending/);
    await expect(complete([])).rejects.toBeInstanceOf(StorageMultipartError);
    await expect(
      complete([
        { partNumber: 1, etag: small },
        { partNumber: 2, etag: big },
      ]),
    ).rejects.toThrow(/part 1: 1000 bytes; every part but the last needs at least 5 MiB/);
    await expect(
      complete([
        { partNumber: 2, etag: big },
        { partNumber: 3, etag: bigger },
        { partNumber: 4, etag: small },
      ]),
    ).rejects.toBeInstanceOf(StorageMultipartError);
    await expect(
      complete([
        { partNumber: 2, etag: big },
        { partNumber: 3, etag: bigger },
      ]),
    ).resolves.toMatchObject({ etag: expect.stringMatching(/-2"$/) }); // last part may be larger
    await expect(complete([{ partNumber: 2, etag: big }])).rejects.toBeInstanceOf(StorageUploadNotFoundError);
  });

  it('refuses an upload ID it did not make, and one of another key', async () => {
    await expect(local.storage.listParts('a/b', '../../etc')).rejects.toThrow(
      /uploadId: expected an upload ID/,
    );
    const uploadId = await local.storage.createMultipart('a/one');
    await expect(local.storage.listParts('a/other', uploadId)).rejects.toBeInstanceOf(
      StorageUploadNotFoundError,
    );
    await local.storage.abortMultipart('a/one', uploadId);
  });

  it('lists keys in UTF-8 byte order like S3 ("a-b" before "a/1", "｡" before "😀")', async () => {
    for (const key of ['ord/a/1', 'ord/a-b', 'ord/😀', 'ord/｡'])
      await local.storage.put(key, Buffer.from('x'));
    expect((await local.storage.list('ord/')).keys.map((k) => k.key)).toEqual([
      'ord/a-b',
      'ord/a/1',
      'ord/｡',
      'ord/😀',
    ]);
    expect((await local.storage.list('ord/', { after: 'ord/a-b' })).keys.map((k) => k.key)).toEqual([
      'ord/a/1',
      'ord/｡',
      'ord/😀',
    ]);
  });

  it('refuses a key that would be inside another key, and the reverse', async () => {
    await local.storage.put('nest/a', Buffer.from('x'));
    await expect(local.storage.put('nest/a/b', Buffer.from('y'))).rejects.toBeInstanceOf(StorageKeyError);
    await local.storage.put('nest/c/d', Buffer.from('y'));
    await expect(local.storage.put('nest/c', Buffer.from('z'))).rejects.toThrow(/cannot both exist/);
    expect(await local.storage.head('nest/c')).toBeNull();
    await local.storage.delete('nest/c');
    expect((await local.storage.list('nest/')).keys.map((k) => k.key)).toEqual(['nest/a', 'nest/c/d']);
  });

  it('sweeps stale temp files and unfinished uploads, keeping fresh ones', async () => {
    const uploadId = await local.storage.createMultipart('sweep/a');
    await writeFile(join(local.home, 'storage/.tmp/crashed.tmp'), 'partial');
    expect(await local.storage.sweep()).toEqual({ temps: 0, uploads: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await local.storage.sweep({ tempOlderThanMs: 10, uploadsOlderThanMs: 10 })).toEqual({
      temps: 1,
      uploads: 1,
    });
    await expect(local.storage.listParts('sweep/a', uploadId)).rejects.toBeInstanceOf(
      StorageUploadNotFoundError,
    );
  });

  it('recomputes the ETag when the file changed behind its sidecar', async () => {
    await local.storage.put('side/x', Buffer.from('old'), { contentType: 'text/plain' });
    await writeFile(join(local.home, 'storage/objects/side/x'), 'new bytes');
    const info = await local.storage.head('side/x');
    expect(info).toMatchObject({ size: 9, etag: `"${md5(Buffer.from('new bytes')).toString('hex')}"` });
    expect(info?.contentType).toBeUndefined();
    expect(await readAll(await local.storage.get('side/x'))).toEqual(Buffer.from('new bytes'));
  });
});

describe('loadOrCreateKey', () => {
  it('creates a 32-byte key with mode 0600 once and reads the same key back', async () => {
    const home = await mkdtemp(join(tmpdir(), 'podpilot-key-'));
    const path = join(home, 'keys', 'storage-url.key');
    const [a, b] = await Promise.all([loadOrCreateKey(path), loadOrCreateKey(path)]);
    expect(a).toHaveLength(32);
    expect(b).toEqual(a);
    expect(await loadOrCreateKey(path)).toEqual(a);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await writeFile(path, 'not a key');
    await expect(loadOrCreateKey(path)).rejects.toThrow(
      /storage-url\.key: expected the storage URL key as 64 hex/,
    );
    await rm(home, { recursive: true, force: true });
  });
});

describe('parseRange', () => {
  it.each([
    [undefined, undefined],
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=5-', { start: 5, end: 99 }],
    ['bytes=-5', { start: 95, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
    ['bytes=90-200', { start: 90, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=9-5', undefined],
    ['bytes=0-1,3-4', undefined],
    ['items=0-1', undefined],
  ] as const)('%s of 100 bytes → %j', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});
