import { setTimeout as sleep } from 'node:timers/promises';
import { DownloadError, safeUrl } from './errors.js';

/** A failure worth another attempt: a network error, a short body, HTTP 5xx, 408 or 429. */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  constructor(
    message: string,
    /** The server's Retry-After, in ms, when it sent one. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
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
 * Runs `attempt` until it succeeds, retrying only RetryableError with exponential backoff and "equal
 * jitter" (half fixed, half random, so many connections failing together do not return together).
 * Anything else, or the last failure, is thrown as is. Aborting the signal ends the wait at once.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      signal?.throwIfAborted();
      if (!(error instanceof RetryableError) || n >= policy.attempts) throw error;
      const backoff = Math.min(policy.maxMs, policy.baseMs * 2 ** (n - 1));
      const wait = error.retryAfterMs ?? backoff / 2 + (Math.random() * backoff) / 2;
      await sleep(wait, undefined, { signal });
    }
  }
}

/** Retry-After as ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = /^\s*(\d+)\s*$/.exec(value)?.[1];
  const ms = seconds !== undefined ? Number(seconds) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
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
  return new RetryableError(`${code ?? (error as Error).message} from ${safeUrl(url)}`, undefined, {
    cause: error,
  });
}
