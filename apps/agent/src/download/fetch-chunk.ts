import { DownloadError, safeUrl } from './errors.js';
import type { PrefixSaver } from './prefix-saver.js';
import type { RangeConnection, ResponseHead } from './range-connection.js';
import type { RangedJob } from './ranged-job.js';
import { isThrottle, withRetry } from './retry.js';

/** Thrown instead of retrying a refused request when the download holds more connections than it should. */
export class SurplusConnection extends Error {
  override readonly name = 'SurplusConnection';
}

/**
 * One chunk into `target` from byte `prefix` on (the bytes before are already there), retried with backoff;
 * a retry asks only for the bytes still missing, so a connection reset late in a chunk costs little.
 * A refusal as too many (429/503) is told to `onThrottled` first: when it answers that this connection is
 * one too many, SurplusConnection is thrown instead of a retry (the caller gives the chunk back and closes).
 */
export async function fetchChunk(
  job: RangedJob,
  connection: RangeConnection,
  start: number,
  target: Buffer,
  prefix: number,
  saver: PrefixSaver,
  signal: AbortSignal,
  onThrottled: () => boolean,
): Promise<void> {
  const end = start + target.length - 1;
  let got = prefix;
  const onBytes = (n: number) => {
    got += n;
    job.onBytes(n);
    saver.progress(got);
  };
  const validate = ({ headers }: ResponseHead) => {
    const range = headers.get('content-range')?.replace(/\s+/g, ' ');
    if (range !== `bytes ${start + got}-${end}/${job.size}`)
      return new DownloadError(`Model "${job.model}": ${safeUrl(job.url)} sent Content-Range ${range}`);
    const etag = headers.get('etag');
    if (job.etag && etag && etag !== job.etag)
      return new DownloadError(
        `Model "${job.model}": the file at ${safeUrl(job.url)} changed during the download`,
      );
    return null;
  };
  const attempt = () =>
    connection.fetch(start + got, target.subarray(got), onBytes, signal, validate).catch((error: unknown) => {
      if (isThrottle(error) && onThrottled())
        throw new SurplusConnection('one connection too many', { cause: error });
      throw error;
    });
  await withRetry(attempt, job.retry, signal);
}
