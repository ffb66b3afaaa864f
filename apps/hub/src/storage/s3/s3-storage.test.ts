import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageMultipartError, StorageNotFoundError, StorageUploadNotFoundError } from '../errors.js';
import { readAll, testBytes } from '../storage.contract.js';
import { type RunningS3rver, S3RVER_CREDENTIALS, startS3rver } from '../test-support/s3rver.js';
import { translateS3Error } from './s3-errors.js';
import { S3Storage } from './s3-storage.js';

const r2 = new S3Storage({
  endpoint: 'https://0123abcd.r2.cloudflarestorage.com',
  bucket: 'podpilot',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
});

/** Presigned URL shape for R2 (no network: presigning is local). */
describe('S3 presigned URLs (R2 settings)', () => {
  const params = (url: string) => new URL(url).searchParams;

  it('signs SigV4 for region auto, virtual-host style, without SDK checksum parameters', async () => {
    const url = await r2.presignPut('models/sha256/ab', { expiresInSeconds: 900 });
    expect(url.startsWith('https://podpilot.0123abcd.r2.cloudflarestorage.com/models/sha256/ab?')).toBe(true);
    const q = params(url);
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/auto\/s3\/aws4_request$/);
    expect(q.get('X-Amz-Expires')).toBe('900');
    expect(q.get('X-Amz-SignedHeaders')).toBe('host');
    expect([...q.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
    expect(url).not.toContain('wJalrXUtnFEMI');
  });

  it('signs Content-Length and Content-Type of a PUT when given', async () => {
    const url = await r2.presignPut('a/b', {
      expiresInSeconds: 60,
      contentLength: 10,
      contentType: 'image/png',
    });
    expect(params(url).get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
  });

  it('presigns parts with uploadId and partNumber, and GETs with a download name', async () => {
    const part = params(await r2.presignPart('a/b', 'upload-1', 7, { expiresInSeconds: 60 }));
    expect([part.get('uploadId'), part.get('partNumber'), part.get('x-id')]).toEqual([
      'upload-1',
      '7',
      'UploadPart',
    ]);
    const get = params(
      await r2.presignGet('a/b', { expiresInSeconds: 7 * 24 * 3600, downloadName: 'x.png' }),
    );
    expect(get.get('response-content-disposition')).toBe(
      `attachment; filename="x.png"; filename*=UTF-8''x.png`,
    );
    expect(get.get('X-Amz-Expires')).toBe('604800');
  });
});

describe('S3 error mapping', () => {
  const sdkError = (name: string, status: number) =>
    Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

  it('maps NoSuchKey/404, NoSuchUpload and part errors, passes others through', () => {
    expect(translateS3Error(sdkError('NoSuchKey', 404), 'k')).toBeInstanceOf(StorageNotFoundError);
    expect(translateS3Error(sdkError('NotFound', 404), 'k')).toBeInstanceOf(StorageNotFoundError);
    expect(translateS3Error(sdkError('NoSuchUpload', 404), 'k', 'u')).toBeInstanceOf(
      StorageUploadNotFoundError,
    );
    const part = translateS3Error(sdkError('EntityTooSmall', 400), 'k', 'u');
    expect(part).toBeInstanceOf(StorageMultipartError);
    expect((part as Error).message).toMatch(/EntityTooSmall/);
    const other = sdkError('AccessDenied', 403);
    expect(translateS3Error(other, 'k')).toBe(other);
  });
});

describe('S3Storage against s3rver', () => {
  let server: RunningS3rver;
  let storage: S3Storage;
  beforeAll(async () => {
    server = await startS3rver();
    storage = new S3Storage({
      endpoint: server.endpoint,
      bucket: server.bucket,
      forcePathStyle: true,
      ...S3RVER_CREDENTIALS,
    });
  });
  afterAll(async () => {
    storage?.close();
    await server?.close();
  });

  it('puts a stream larger than one part (lib-storage multipart) and reads it back', async () => {
    const data = testBytes(12 * 1024 * 1024 + 5, 9);
    const chunks = Array.from({ length: Math.ceil(data.length / 65_536) }, (_, i) =>
      data.subarray(i * 65_536, (i + 1) * 65_536),
    );
    await storage.put('outputs/s3/big.bin', Readable.from(chunks), {
      contentType: 'application/octet-stream',
    });
    expect((await storage.head('outputs/s3/big.bin'))?.size).toBe(data.length);
    const back = await readAll(await storage.get('outputs/s3/big.bin'));
    expect(createHash('sha256').update(back).digest('hex')).toBe(
      createHash('sha256').update(data).digest('hex'),
    );
  });

  it('reports a missing upload on listParts and tolerates aborting it', async () => {
    await expect(storage.listParts('a/b', 'deadbeef')).rejects.toBeInstanceOf(StorageUploadNotFoundError);
    await storage.abortMultipart('a/b', 'deadbeef');
  });
});
