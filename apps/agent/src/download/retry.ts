import { parseRetryAfter, retry } from '@podpilot/common';
import { networkReason } from '@podpilot/common/node';
import { DownloadError, safeUrl } from './errors.js';

/** A failure worth another attempt: a network error, a short body, HTTP 5xx, 408 or 429. */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  constructor(
    message: string,
    /** The server's Retry-After, in ms, when it sent one. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
    /** The HTTP status that caused it, when one did. */
    readonly status?: number,
  ) {
    super(message, options);
  }
}

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  /** First backoff; doubles each attempt, with jitter. */
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 250, maxMs: 10_000 };
/** A server asking for more than this is not waited for longer (the next attempt may fail again). */
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Runs `attempt` through the common `retry`, retrying only RetryableError with exponential backoff and
 * "half" jitter (many connections failing together do not return together), or the server's Retry-After
 * when longer. Anything else, or the last failure, is thrown as is; an abort throws the signal's reason.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await retry((n) => attempt(n + 1), {
      attempts: policy.attempts,
      baseMs: policy.baseMs,
      capMs: policy.maxMs,
      jitter: 'half',
      retryable: (error) => error instanceof RetryableError,
      retryAfterMs: (error) => (error as RetryableError).retryAfterMs,
      signal,
    });
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  }
}

/** Retry-After as ms (seconds or an HTTP date), at most a minute; undefined when absent or unreadable. */
export function retryAfterHeader(value: string | undefined, now = Date.now()): number | undefined {
  const ms = parseRetryAfter(value, now);
  return ms === null ? undefined : Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** A refusal that says "too many" (as a server capping connections per client answers): fewer would do. */
export function isThrottle(error: unknown): boolean {
  return error instanceof RetryableError && (error.status === 429 || error.status === 503);
}

/** TLS verification failures: another attempt would meet the same certificate. */
const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_CERT/;

/**
 * A socket error as the download sees it: an abort stays an abort, an untrusted certificate fails fast
 * (DownloadError), anything else (reset, refused, timeout, DNS) is worth another attempt.
 */
export function networkFailure(error: unknown, url: URL, model: string): unknown {
  if (error instanceof RetryableError || error instanceof DownloadError) return error;
  if ((error as Error).name === 'AbortError') return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && CERTIFICATE.test(code))
    return new DownloadError(
      `Model "${model}": the TLS certificate of ${safeUrl(url)} is not trusted (${code})`,
      undefined,
      { cause: error },
    );
  return new RetryableError(`${networkReason(error)} from ${safeUrl(url)}`, undefined, { cause: error });
}
