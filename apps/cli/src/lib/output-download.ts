import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { backoffMs, type OutputSummary, outputsEndpoints, sleep } from '@podpilot/common';
import { errorText, type HttpGetter } from './http-get.js';
import type { HubClient } from './hub-client.js';

/** A failure worth another try (network, storage busy, an expired URL); the partial file stays. */
class RetryableError extends Error {}

/** The bytes arrived but are not the output's: the partial file was deleted. */
class HashMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
    /** The download had resumed a partial file: its first part may have been the wrong bytes. */
    readonly resumed: boolean,
  ) {
    super(`sha256 mismatch: expected ${expected}, got ${actual} (the download was deleted)`);
  }
}

async function hashFile(path: string, hash: Hash = createHash('sha256')): Promise<Hash> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash;
}

/** One output and where it goes. */
export interface PullJob {
  output: OutputSummary;
  target: string;
  file: string;
}

export interface Counters {
  /** Bytes of this file now in place (for the progress). */
  count(n: number): void;
  /** Forget this file's counted bytes (it starts over or failed). */
  uncount(): void;
  /** Bytes received over the network. */
  received(n: number): void;
}

/**
 * Puts one output at its target: skipped when a file with its sha256 is there; else downloaded to
 * `<target>.part` (resumed, retried up to `attempts` times with backoff) and renamed into place.
 */
export async function pullOne(
  hub: HubClient,
  http: HttpGetter,
  { output, target }: PullJob,
  attempts: number,
  counters: Counters,
): Promise<'pulled' | 'skipped'> {
  const present = await stat(target).catch(() => null);
  if (present?.isFile() && present.size === output.sizeBytes) {
    if ((await hashFile(target)).digest('hex') === output.sha256) {
      counters.count(output.sizeBytes);
      return 'skipped';
    }
  } else if (present && !present.isFile()) {
    throw new Error(`${target} is in the way (not a file)`);
  }

  await mkdir(dirname(target), { recursive: true });
  const part = `${target}.part`;
  let restartedAfterMismatch = false;
  for (let attempt = 1; ; attempt++) {
    try {
      await downloadToPart(hub, http, output, part, counters);
      break;
    } catch (error) {
      counters.uncount();
      // A resumed part that hashes wrong may have begun with stale bytes: once more from the start.
      if (error instanceof HashMismatchError && error.resumed && !restartedAfterMismatch) {
        restartedAfterMismatch = true;
        attempt--;
        continue;
      }
      if (!(error instanceof RetryableError) || attempt >= attempts) throw error;
      await sleep(backoffMs(attempt - 1, { baseMs: 500, jitter: 'half' }));
    }
  }
  await rename(part, target);
  if (output.mtime) {
    const mtime = new Date(output.mtime);
    await utimes(target, mtime, mtime).catch(() => {});
  }
  return 'pulled';
}

/** Leaves `part` holding exactly the output's bytes (hash checked), resuming what a part already holds. */
async function downloadToPart(
  hub: HubClient,
  http: HttpGetter,
  output: OutputSummary,
  part: string,
  counters: Counters,
): Promise<void> {
  const size = output.sizeBytes;
  let hash = createHash('sha256');
  let offset = 0;
  const existing = await stat(part).catch(() => null);
  if (existing?.isFile() && existing.size > 0 && existing.size <= size) {
    await hashFile(part, hash);
    offset = existing.size;
    counters.count(offset);
  } else if (existing) {
    await rm(part, { force: true });
  }
  const resumed = offset > 0;
  const check = async () => {
    const actual = hash.digest('hex');
    if (actual !== output.sha256) {
      await rm(part, { force: true });
      throw new HashMismatchError(output.sha256, actual, resumed);
    }
  };
  if (offset === size) {
    // An empty output needs no request; a complete part only its hash check.
    if (size === 0) await writeFile(part, '');
    return check();
  }
  const res = await openDownload(hub, http, output, part, offset);
  if (res.statusCode === 200 && offset > 0) {
    // A whole answer (the server ignored the range): start over.
    counters.uncount();
    hash = createHash('sha256');
    offset = 0;
  }
  await streamInto(res, part, offset, size, hash, counters);
  await check();
}

/** A fresh presigned URL for the output, asked from `offset` on; throws for answers that cannot be used. */
async function openDownload(
  hub: HubClient,
  http: HttpGetter,
  output: OutputSummary,
  part: string,
  offset: number,
): Promise<IncomingMessage> {
  const { url } = await hub.call(outputsEndpoints.urls, { params: { id: output.id } });
  let res: IncomingMessage;
  try {
    res = await http.get(url, offset > 0 ? { range: `bytes=${offset}-` } : {});
  } catch (error) {
    throw new RetryableError(`downloading failed: ${networkReason(error)}`);
  }
  if (offset > 0 && res.statusCode === 206) {
    const start = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
    if (Number(start?.[1]) === offset) return res;
    res.destroy();
    await rm(part, { force: true });
    throw new RetryableError(`storage answered another range (${res.headers['content-range'] ?? 'none'})`);
  }
  if (res.statusCode === 200) return res;
  if (res.statusCode === 416) {
    res.destroy();
    await rm(part, { force: true });
    throw new RetryableError('storage refused to resume the partial file; starting over');
  }
  const status = res.statusCode ?? 0;
  const message = `storage answered ${status} ${res.statusMessage ?? ''}`.trim();
  const detail = await errorText(res);
  const text = `${message}${detail ? `: ${detail}` : ''}`;
  // 403: the URL may have expired; 408/429/5xx: storage is busy. A new URL and another try may do.
  if (status === 403 || status === 408 || status === 429 || status >= 500) throw new RetryableError(text);
  throw new Error(text);
}

/** Appends the answer's bytes to `part` (from `offset`), hashing and counting them; never more than `size`. */
async function streamInto(
  res: IncomingMessage,
  part: string,
  offset: number,
  size: number,
  hash: Hash,
  counters: Counters,
): Promise<void> {
  let received = offset;
  try {
    await pipeline(
      res,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          received += chunk.length;
          if (received > size) throw new Error(`storage sent more than the ${size} bytes expected`);
          hash.update(chunk);
          counters.received(chunk.length);
          counters.count(chunk.length);
          yield chunk;
        }
      },
      createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' }),
    );
  } catch (error) {
    if (received > size) {
      await rm(part, { force: true });
      throw error;
    }
    if ((error as NodeJS.ErrnoException).syscall && !isNetworkError(error)) throw error;
    throw new RetryableError(
      `the download broke off after ${received} of ${size} bytes: ${networkReason(error)}`,
    );
  }
  if (received < size) throw new RetryableError(`the download ended after ${received} of ${size} bytes`);
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

function isNetworkError(error: unknown): boolean {
  return NETWORK_CODES.has((error as NodeJS.ErrnoException).code ?? '');
}

function networkReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code && !e.message.includes(e.code) ? `${e.code} ${e.message}` : e.message;
}
