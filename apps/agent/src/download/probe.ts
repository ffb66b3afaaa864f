import type { IncomingMessage } from 'node:http';
import { DownloadError, safeUrl } from './errors.js';
import { checkStatus, type HttpPool, header, readBody } from './http.js';
import type { DownloadSource } from './types.js';

const MAX_REDIRECTS = 10;

/** What a first `GET Range: bytes=0-0` (redirects followed) tells about the file. */
export interface Probe {
  /** The URL after redirects: every later request goes there. */
  url: URL;
  /** Headers for `url`: the source's own headers only when it is still on the source's origin. */
  headers: Record<string, string>;
  /** Total size, or null when the server does not say. */
  size: number | null;
  /** The server answered the range with 206 and a known total: parallel, resumable download. */
  ranges: boolean;
  etag: string | null;
  lastModified: string | null;
  /** The server ignored the Range (200): this is the whole file, ready to stream (no second request). */
  full: IncomingMessage | null;
  /** Body bytes the probe consumed (the one byte of a 206). */
  fetchedBytes: number;
}

/**
 * Resolves redirects once and learns size, validators and Range support. A GET rather than a HEAD:
 * presigned CDN URLs are often signed for GET only. Headers from `source.headers` (Authorization...)
 * go only to the source URL's origin: a redirect to another host or scheme gets none of them.
 * Throws RetryableError (network, 5xx, 429) or DownloadError (other 4xx, redirect loop).
 */
export async function probe(
  pool: HttpPool,
  source: DownloadSource,
  model: string,
  signal?: AbortSignal,
): Promise<Probe> {
  const origin = new URL(source.url).origin;
  let url = new URL(source.url);
  for (let hops = 0; hops <= MAX_REDIRECTS; hops++) {
    const headers = url.origin === origin ? { ...source.headers } : {};
    let res = await pool.get(url, { ...headers, range: 'bytes=0-0' }, signal);
    const status = res.statusCode ?? 0;
    const location = header(res, 'location');
    if (status >= 300 && status < 400 && location) {
      res.resume();
      url = new URL(location, url);
      continue;
    }
    if (status === 416) {
      // Typically an empty file (no byte 0): ask again without a Range.
      res.resume();
      res = await pool.get(url, headers, signal);
    }
    checkStatus(res, url, model);
    const validators = {
      etag: header(res, 'etag') ?? null,
      lastModified: header(res, 'last-modified') ?? null,
    };
    if (res.statusCode === 206) {
      const total = /\/(\d+)\s*$/.exec(header(res, 'content-range') ?? '')?.[1];
      let fetchedBytes = 0;
      await readBody(res, url, (piece) => {
        fetchedBytes += piece.length;
      });
      const size = total === undefined ? null : Number(total);
      return { url, headers, size, ranges: size !== null, ...validators, full: null, fetchedBytes };
    }
    if (res.statusCode !== 200) {
      res.resume();
      throw new DownloadError(`Model "${model}": unexpected HTTP ${res.statusCode} from ${safeUrl(url)}`);
    }
    const length = header(res, 'content-length');
    const size = length === undefined ? null : Number(length);
    return { url, headers, size, ranges: false, ...validators, full: res, fetchedBytes: 0 };
  }
  throw new DownloadError(
    `Model "${model}": more than ${MAX_REDIRECTS} redirects from ${safeUrl(source.url)}`,
  );
}
