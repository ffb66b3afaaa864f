/**
 * The one retry and backoff core of PodPilot: hub (providers, Tailscale, webhooks), agent (hub calls,
 * downloads, uploads), CLI and web all wait and retry through these functions. Platform-neutral (no Node
 * imports), so the web app uses it too.
 */

export interface BackoffOptions {
  /** First ceiling, in ms. Default 500. */
  baseMs?: number;
  /** Largest ceiling, in ms. Default 30 s. */
  capMs?: number;
  /**
   * `full`: a wait in [0, ceiling) (AWS's "full jitter": spreads clients best). `half`: in [½, 1] · ceiling
   * (never close to 0, for loops that must not hammer a server that just failed). Default `full`.
   */
  jitter?: 'full' | 'half';
  /** For tests: a number in [0, 1). */
  random?: () => number;
}

/** Exponential backoff with jitter: the wait before retry number `attempt` (0 = the first retry). */
export function backoffMs(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 500, capMs = 30_000, jitter = 'full', random = Math.random } = options;
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return jitter === 'full' ? random() * ceiling : ceiling * (0.5 + random() / 2);
}

/** Waits `ms`; rejects with the signal's reason as soon as `signal` aborts (and at once if it already has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Milliseconds to wait from a `Retry-After` value (delay-seconds or an HTTP date), or null when absent or
 * unreadable. A date in the past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Retry-After first, then the IETF `RateLimit-Reset: <s>` or `RateLimit: …;t=<s>` / `reset=<s>` headers. */
export function retryAfterFromHeaders(
  headers: { get(name: string): string | null },
  now: number,
): number | null {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (retryAfter !== null) return retryAfter;
  const reset =
    headers.get('ratelimit-reset') ??
    /(?:^|[;,\s])(?:t|reset)=(\d+)/.exec(headers.get('ratelimit') ?? '')?.[1];
  return reset && /^\d+$/.test(reset.trim()) ? Number(reset.trim()) * 1000 : null;
}

export interface RetryOptions extends BackoffOptions {
  /** Tries in all, the first included; `Infinity` retries until `signal` aborts. Default 5. */
  attempts?: number;
  /** Whether an error is worth another try. Default: every error. */
  retryable?: (error: unknown) => boolean;
  /** A wait the failure itself asks for (a 429's Retry-After), used instead of the backoff when larger. */
  retryAfterMs?: (error: unknown) => number | null | undefined;
  /** Called before each wait, e.g. to log it. */
  onRetry?: (error: unknown, attempt: number, waitMs: number) => void;
  /** Stops the waiting (rejects with the signal's reason). */
  signal?: AbortSignal;
  /** For tests: the wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Runs `fn` until it succeeds, a failure is not `retryable`, or `attempts` are spent; then throws the last
 * error. Between tries it waits the backoff (or the failure's Retry-After, when longer).
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 5, retryable = () => true, signal } = options;
  const wait = options.sleep ?? sleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt + 1 >= attempts || !retryable(error) || signal?.aborted) throw error;
      const waitMs = Math.max(backoffMs(attempt, options), options.retryAfterMs?.(error) ?? 0);
      options.onRetry?.(error, attempt, waitMs);
      await wait(waitMs, signal);
    }
  }
}
