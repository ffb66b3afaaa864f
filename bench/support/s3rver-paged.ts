// s3rver (3.7.1) on loopback for benchmarks that list big prefixes with several clients (our hub's SDK,
// rclone, the aws CLI), all through their default ListObjectsV2.
//
// s3rver makes V2 continuation tokens with DES, which Node 20's OpenSSL 3 no longer has: every truncated V2
// listing fails with InternalError (apps/hub/src/storage/testing/s3rver.ts works around it by asking V1
// without paging, enough for the tests). Here each V2 listing is asked as V1 (`marker` = the key the
// continuation token names, or `start-after`) and the V1 answer is turned back into a V2 one: KeyCount,
// ContinuationToken, StartAfter, and a NextContinuationToken (the last key, base64url) when truncated. So
// listings of any length page correctly, and no client needs a non-default listing setting.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface PagedS3rver {
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps the objects. */
  directory: string;
  close(): Promise<void>;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** The V1 answer `xml` as the V2 answer to a request with `token` / `startAfter`. */
export function v1ToV2(xml: string, token: string | null, startAfter: string | null): string {
  const contents = xml.match(/<Key>[^<]*<\/Key>/g) ?? [];
  const prefixes = xml.match(/<CommonPrefixes>\s*<Prefix>[^<]*<\/Prefix>/g) ?? [];
  const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
  const nextMarker = /<NextMarker>([^<]*)<\/NextMarker>/.exec(xml)?.[1];
  const lastKey = contents.at(-1)?.slice('<Key>'.length, -'</Key>'.length);
  const last = nextMarker ?? lastKey;
  let head = `<KeyCount>${contents.length + prefixes.length}</KeyCount>`;
  if (token !== null) head += `<ContinuationToken>${escapeXml(token)}</ContinuationToken>`;
  else if (startAfter) head += `<StartAfter>${escapeXml(startAfter)}</StartAfter>`;
  if (truncated && last !== undefined)
    head += `<NextContinuationToken>${Buffer.from(unescapeXml(last)).toString('base64url')}</NextContinuationToken>`;
  return xml
    .replace(/<Marker>[^<]*<\/Marker>|<Marker\/>/, '')
    .replace(/<NextMarker>[^<]*<\/NextMarker>/, '')
    .replace(/<\/Name>/, `</Name>${head}`);
}

/** Buffers what s3rver writes to `res` and rewrites it with `v1ToV2` on the way out. */
function answerAsV2(res: ServerResponse, token: string | null, startAfter: string | null): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  const add = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    chunks.push(
      Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
    );
  };
  res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    add(chunk, encoding);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    add(chunk, encoding);
    let body = Buffer.concat(chunks);
    if (res.statusCode === 200) body = Buffer.from(v1ToV2(body.toString('utf8'), token, startAfter));
    if (!res.headersSent) res.setHeader('content-length', body.length);
    const done = [chunk, encoding, callback].find((a) => typeof a === 'function') as (() => void) | undefined;
    res.write = write;
    return end(body, done);
  }) as typeof res.end;
}

export async function startPagedS3rver(bucket = 'podpilot'): Promise<PagedS3rver> {
  const directory = await mkdtemp(join(tmpdir(), 'podpilot-bench-s3rver-'));
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isListV2 =
      req.method === 'GET' && url.searchParams.get('list-type') === '2' && /^\/[^/]+\/?$/.test(url.pathname);
    if (isListV2) {
      const query = new URLSearchParams(url.searchParams);
      const token = query.get('continuation-token');
      const startAfter = query.get('start-after');
      for (const name of ['list-type', 'continuation-token', 'start-after', 'fetch-owner'])
        query.delete(name);
      const marker = token ? Buffer.from(token, 'base64url').toString('utf8') : startAfter;
      if (marker) query.set('marker', marker);
      req.url = `${url.pathname}?${query.toString()}`;
      answerAsV2(res, token, startAfter);
    }
    handle(req, res);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    directory,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
