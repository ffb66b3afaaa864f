/** What the core knows about an answer it read (whatever its status). */
export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Headers;
  /** The body as text; '' when there was none. */
  text: string;
  /** The body parsed as JSON; null when empty or not JSON. */
  body: unknown;
  /** The request for messages, e.g. `GET /instances/` (no query, no credentials). */
  what: string;
}

/** `network`: no connection or it broke; `timeout`: no whole answer in time; `status`: see HttpFailure. */
export type HttpFailureKind = 'network' | 'timeout' | 'status';

/**
 * A request that got no usable answer: a network error, a timeout, or a status the core treats as a failure
 * (401, 403, 429, 5xx). Its message is `<what>: <reason>`, already redacted. Callers turn it into their own
 * error class through `HttpClientOptions.mapError`.
 */
export class HttpFailure extends Error {
  override name = 'HttpFailure';
  /** Tries made, the first included; final once the client's retries are over. */
  attempts = 1;

  constructor(
    readonly kind: HttpFailureKind,
    readonly what: string,
    /** Why, without `what`: `no answer within 200 ms`, `ECONNREFUSED`, `503 maintenance`. */
    readonly reason: string,
    /** The answer, for `status` failures. */
    readonly response: HttpResponse | null = null,
    /** The wait the server asked for (Retry-After, RateLimit headers; a 429's default), or null. */
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(`${what}: ${reason}`, options);
  }

  /** The answer's status; null for network errors and timeouts. */
  get status(): number | null {
    return this.response?.status ?? null;
  }
}

/** Statuses the core throws as HttpFailure: auth refused, rate limited, server failing. */
export const isFailureStatus = (status: number): boolean =>
  status === 401 || status === 403 || status === 429 || status >= 500;

/** Statuses worth another try of an idempotent request: 408, 429 and 5xx. */
export const isTransientStatus = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500;

/**
 * A short reason for a transport error: the system error code (`ECONNREFUSED`, `ENOTFOUND`) when there is
 * one, else the message of its cause (fetch wraps them in "fetch failed"), else its own message.
 */
export function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? (error.cause as NodeJS.ErrnoException) : undefined;
  const code = (error as NodeJS.ErrnoException).code ?? cause?.code;
  // undici's own codes (UND_ERR_SOCKET…) say less than their messages ("other side closed").
  if (code && !code.startsWith('UND_ERR')) return code;
  return cause?.message ?? error.message;
}
