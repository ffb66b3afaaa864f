import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { explainDownloadFailure } from './credentials.js';
import { DownloadError, HashMismatchError } from './errors.js';
import { HttpPool } from './http.js';
import { ProgressMeter } from './progress.js';
import { ADAPT_EVERY_MS } from './ranged.js';
import { DEFAULT_RETRY, RetryableError, type RetryPolicy } from './retry.js';
import { downloadToPart } from './to-part.js';
import type { FetchModelOptions, FetchModelResult } from './types.js';

/** Most connections per download: CDNs cap each connection's rate, so more connections are what wins there. */
export const DEFAULT_CONNECTIONS = 32;
/**
 * Connections a download starts with (the count measured best on a fast server); it doubles them while that
 * raises the throughput (ConnectionGovernor).
 */
export const DEFAULT_INITIAL_CONNECTIONS = 8;
/**
 * 4 MiB: buffer memory is what costs most here (first-touch page faults), so smaller chunks measured faster
 * than 8 and 16 MiB (full benchmark ~5% and ~30%, quick one ~50%). Over a CDN each chunk also costs one
 * round trip of idle time on its connection; pass a larger chunkSize where that dominates.
 */
export const DEFAULT_CHUNK_SIZE = 4 << 20;

/** Downloads in progress in this process, by cache path: a second caller waits instead of writing the same part. */
const inflight = new Map<string, Promise<FetchModelResult>>();

/**
 * Makes the model available, verified, at `<cacheDir>/sha256/<hex>` and returns its path.
 *
 * - Async; resolves once the file is in the cache. Idempotent: when the file is already there it returns
 *   `{cached: true, fetchedBytes: 0}` without any network request (the cache only ever holds verified
 *   files). Concurrent calls for the same file in one process share one download.
 * - Otherwise it downloads to `<cacheDir>/tmp/<hex>.part` with parallel Range requests of `chunkSize` bytes
 *   over keep-alive connections, writes each chunk at its offset and feeds the sha256 in file order as it
 *   goes, on a worker thread (no second read). It starts with `initialConnections` and doubles them while
 *   that raises the throughput, up to `connections`; each 429/503 takes one away (a server capping
 *   connections per client); after a while it tries more again. Memory: at most `(connections held + 2) * chunkSize` bytes of chunks (40 MiB
 *   at 8), reused across chunks and calls and freed 15 s after the last download.
 * - Resumable: the journal `<hex>.part.journal` records each chunk once its write() returned and, while a
 *   chunk is still arriving, its received prefix every `max(4 KiB, chunkSize / (4 * initialConnections))` bytes
 *   (written first, then recorded). A process killed at any moment (SIGKILL, OOM, abort) thus loses only
 *   what each connection received since its last checkpoint, about a quarter chunk in all: the next call
 *   fetches again less than one chunk per file (bytes still in flight on the network, or a disk slower
 *   than the network, aside). It re-hashes what is on disk and fetches the rest (a partly recorded chunk
 *   from where its prefix ends), or starts over when the server's size, ETag or Last-Modified changed.
 *   fsync: written data is fdatasync'ed in the background every 32 MiB and once more before the rename
 *   into the cache; journal lines are not fsynced. A power loss may thus leave recorded bytes unwritten:
 *   the sha256 check catches it and a resumed download then starts over once.
 * - Servers without Range support or without a size get one sequential stream (hashed in stream, no resume).
 * - Redirects are followed (10 at most); `source.headers` go only to the source URL's own origin, and their
 *   values are masked in every error message (a 401/403 from that origin names `source.refused.secret`).
 * - Transient failures (network, 5xx, 408, 429 honouring Retry-After) are retried per chunk, 5 attempts
 *   with exponential backoff and jitter; a retry asks only for the bytes still missing.
 *
 * Throws HashMismatchError (nothing kept), DownloadError (refused by the server, retries exhausted; the
 * message names the model and the URL without its query string), the signal's reason when aborted, a
 * TypeError for a malformed sha256, or a filesystem error (e.g. ENOSPC).
 */
export async function fetchModel(opts: FetchModelOptions): Promise<FetchModelResult> {
  const hex = opts.sha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new TypeError(`Model "${opts.name}": sha256 must be 64 hex digits`);
  const path = join(opts.cacheDir, 'sha256', hex);
  const running = inflight.get(path);
  if (running) {
    await running.catch(() => undefined);
    return fetchModel(opts);
  }
  const task = fromCacheOrNetwork(opts, hex, path).finally(() => inflight.delete(path));
  inflight.set(path, task); // before any await: a concurrent caller must see it
  return task;
}

async function fromCacheOrNetwork(
  opts: FetchModelOptions,
  hex: string,
  path: string,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<FetchModelResult> {
  const cached = await stat(path).catch(() => null);
  if (cached?.isFile()) return { path, sizeBytes: cached.size, fetchedBytes: 0, cached: true };
  const part = join(opts.cacheDir, 'tmp', `${hex}.part`);
  await mkdir(dirname(part), { recursive: true });
  await mkdir(dirname(path), { recursive: true });
  const { connections, initialConnections, chunkSize } = engineSettings(opts);
  const pool = new HttpPool(connections, opts.name);
  const meter = new ProgressMeter(opts.onProgress);
  const signal = opts.signal ?? new AbortController().signal;
  try {
    for (let round = 1; ; round++) {
      const job = {
        pool,
        source: opts.source,
        model: opts.name,
        part,
        connections,
        initialConnections,
        adaptEveryMs: opts.adaptEveryMs ?? ADAPT_EVERY_MS,
        chunkSize,
        retry,
        signal,
      };
      const { sha256: actual, size, resumed } = await downloadToPart({ ...job, meter });
      if (actual === hex) {
        await rename(part, path);
        await syncDir(dirname(path));
        await rm(`${part}.journal`, { force: true });
        meter.finish();
        return { path, sizeBytes: size, fetchedBytes: meter.fetched, cached: false };
      }
      await rm(part, { force: true });
      await rm(`${part}.journal`, { force: true });
      // A journal may claim chunks a power loss never wrote: a resumed download gets one clean retry.
      if (!(resumed && round === 1)) throw new HashMismatchError(opts.name, hex, actual);
    }
  } catch (error) {
    if (error instanceof RetryableError)
      throw explainDownloadFailure(
        new DownloadError(
          `Model "${opts.name}": download failed after ${retry.attempts} attempts: ${error.message}`,
          undefined,
          { cause: error },
        ),
        opts.source,
      );
    throw explainDownloadFailure(error, opts.source);
  } finally {
    pool.close();
  }
}

/** The options' connection counts and chunk size, defaulted and made whole and positive. */
function engineSettings(opts: FetchModelOptions) {
  const connections = Math.max(1, Math.floor(opts.connections ?? DEFAULT_CONNECTIONS));
  const initialConnections = Math.min(
    connections,
    Math.max(1, Math.floor(opts.initialConnections ?? DEFAULT_INITIAL_CONNECTIONS)),
  );
  const chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK_SIZE));
  return { connections, initialConnections, chunkSize };
}

/** Makes a rename durable (Linux needs the directory fsynced too). */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself already happened.
  } finally {
    await handle.close();
  }
}
