import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** s3rver accepts any signature but only its own access key (s3rver/lib/models/account.js). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface RunningS3rver {
  endpoint: string;
  bucket: string;
  /** Stops listening and drops every connection (an outage); the data stays. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * s3rver makes ListObjectsV2 continuation tokens with DES, which Node 20's OpenSSL 3 no longer has: every
 * truncated V2 listing fails with InternalError. We never use continuation tokens (`after` is StartAfter),
 * so ask s3rver the same question in V1 (`marker` = `start-after`); its answer has the same `Contents` and
 * `IsTruncated`, which is all the SDK's V2 parser reads from it here.
 */
function listV2AsV1(url: URL): string {
  const query = new URLSearchParams(url.searchParams);
  query.delete('list-type');
  const startAfter = query.get('start-after');
  query.delete('start-after');
  if (startAfter !== null) query.set('marker', startAfter);
  return `${url.pathname}?${query.toString()}`;
}

/**
 * A real S3-protocol server (s3rver 3.7.1) on 127.0.0.1, random port, fresh temp folder, one bucket.
 *
 * s3rver lacks two calls the storage layer uses (and cannot page V2 listings, see `listV2AsV1`): ListParts (`GET ?uploadId=`) and AbortMultipartUpload
 * (`DELETE ?uploadId=`); it answers them 405. This fixture answers those two itself from s3rver's own
 * staging folder (`<dir>/<bucket>/._S3rver_uploads/<uploadId>/{key,<n>,<n>.md5}`), in S3's documented XML,
 * and hands every other request to s3rver unchanged. That keeps the SDK code paths of listParts/abort
 * under test with real HTTP and real XML parsing.
 */
export async function startS3rver(bucket = 'podpilot'): Promise<RunningS3rver> {
  const directory = await mkdtemp(join(tmpdir(), 'podpilot-s3rver-'));
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const uploads = join(directory, bucket, '._S3rver_uploads');

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (
      req.method === 'GET' &&
      url.searchParams.get('list-type') === '2' &&
      /^\/[^/]+\/?$/.test(url.pathname)
    ) {
      req.url = listV2AsV1(url);
      return handle(req, res);
    }
    const uploadId = url.searchParams.get('uploadId');
    const prefix = `/${bucket}/`;
    const isShimmed =
      uploadId !== null &&
      url.pathname.startsWith(prefix) &&
      (req.method === 'GET' || req.method === 'DELETE');
    if (!isShimmed) return handle(req, res);
    const key = url.pathname.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
    shim(req, res, uploads, bucket, key, uploadId).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    down: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    up: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function shim(
  req: IncomingMessage,
  res: ServerResponse,
  uploads: string,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<void> {
  const folder = join(uploads, uploadId.replace(/[^0-9a-f]/g, ''));
  const storedKey = await readFile(join(folder, 'key'), 'utf8').catch(() => null);
  if (storedKey !== key) {
    res.writeHead(404, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code>` +
        `<Message>The specified upload does not exist.</Message><UploadId>${xml(uploadId)}</UploadId></Error>`,
    );
    return;
  }
  if (req.method === 'DELETE') {
    await rm(folder, { recursive: true, force: true });
    res.writeHead(204).end();
    return;
  }
  const numbers = (await readdir(folder))
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
  const parts = await Promise.all(
    numbers.map(async (n) => {
      const info = await stat(join(folder, String(n)));
      const md5 = (await readFile(join(folder, `${n}.md5`), 'utf8')).trim();
      return (
        `<Part><PartNumber>${n}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified>` +
        `<ETag>"${md5}"</ETag><Size>${info.size}</Size></Part>`
      );
    }),
  );
  res.writeHead(200, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Bucket>${xml(bucket)}</Bucket><Key>${xml(key)}</Key><UploadId>${xml(uploadId)}</UploadId>` +
      `<PartNumberMarker>0</PartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated>` +
      `${parts.join('')}</ListPartsResult>`,
  );
}
