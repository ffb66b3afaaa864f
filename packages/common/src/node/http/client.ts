import { type BackoffOptions, type RetryOptions, retry, retryAfterFromHeaders } from '../../retry/retry.js';
import { exchange } from './exchange.js';
import { HttpFailure, type HttpResponse, isFailureStatus } from './failure.js';
import { headerSecrets, redact, safeUrl } from './redact.js';

export interface HttpRequest {
  /** Default GET. */
  method?: string;
  /** Absolute, or a path appended as is to the client's `baseUrl`. */
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON, with `content-type: application/json` unless `headers` name one. */
  json?: unknown;
  /** Sent as is (give its content-type in `headers`). */
  body?: string;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
  /** Aborting ends the request, and any wait between retries, with the signal's reason. */
  signal?: AbortSignal;
  redirect?: RequestInit['redirect'];
  /** Whether sending it twice is harmless (5xx/network retries). Default: GET, HEAD, OPTIONS, PUT, DELETE. */
  idempotent?: boolean;
  /** Names the request in messages. Default `METHOD path` (no query; absolute URLs without credentials). */
  what?: string;
  /**
   * The caller's own reading of an answer, before the common status rules (Vast's 404 `auth_error`, "no
   * capacity" texts): an error to throw as is (never retried nor mapped), or undefined.
   */
  interpret?: (response: HttpResponse) => Error | undefined;
}

export interface HttpRetryPolicy extends BackoffOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /**
   * `transient` (default): a 429 for any request (the server did nothing), 5xx, timeouts and network errors
   * for idempotent requests only. `rate-limited`: 429 only.
   */
  on?: 'transient' | 'rate-limited';
  /** A Retry-After is waited for at most this long (then the next try). Default: no bound. */
  maxWaitMs?: number;
  /** A failure asking for a longer wait than this is not retried but thrown at once. Default: no bound. */
  giveUpAboveMs?: number;
  onRetry?: (failure: HttpFailure, attempt: number, waitMs: number) => void;
}

export interface HttpClientOptions {
  baseUrl?: string;
  /** Sent with every request; a request's own headers win. */
  headers?: Record<string, string>;
  /** Per request, answer included. Default 30 s. */
  timeoutMs?: number;
  /** Retries (through the common `retry`); none by default. */
  retry?: HttpRetryPolicy;
  /** The wait of a 429 that names none. Default 1 s. */
  defaultRetryAfterMs?: number;
  /** A reason from an error answer. Default: `message`, `msg`, `detail`, `error`…, else the text's start. */
  describe?: (body: unknown, text: string) => string;
  /** Secrets to mask besides the Authorization header's (a client secret sent in a form, a cached token). */
  secrets?: () => Iterable<string | null | undefined>;
  /** Turns the final HttpFailure into the caller's own error. Default: the HttpFailure itself. */
  mapError?: (failure: HttpFailure) => Error;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const REASON_FIELDS = ['message', 'msg', 'detail', 'error_description', 'error', 'title'];

/** The default `describe`: the first string among the usual error fields, else the body's first 200 characters. */
export function describeBody(body: unknown, text: string): string {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    const found = REASON_FIELDS.map((key) => record[key]).find((v) => typeof v === 'string' && v !== '');
    if (typeof found === 'string') return found;
  }
  return text.slice(0, 200);
}

const lowerKeys = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

const isAbsolute = (url: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(url);

/**
 * The one outbound HTTP core: a per-request timeout (combined with the caller's signal), the body read as
 * text and JSON, 401/403/429/5xx and transport errors as HttpFailure (Retry-After read), optional retries,
 * every message redacted, and a `mapError` hook so each caller keeps its own error classes. Stateless
 * between requests: safe to share.
 */
export class HttpClient {
  private readonly baseUrl: string;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  }

  /**
   * Sends `request` and resolves with its answer when the status is not a failure status (2xx, 3xx with
   * `redirect: 'manual'`, 4xx other than 401/403/429). Retries per the client's policy. Rejects with what
   * `mapError` makes of the last HttpFailure, with the error `interpret` returned, or with the caller's
   * abort reason. Takes at most attempts × timeout plus the waits between them.
   */
  async request(request: HttpRequest): Promise<HttpResponse> {
    let tries = 0;
    const once = () => {
      tries++;
      return this.once(request);
    };
    const policy = this.options.retry;
    try {
      return policy ? await retry(once, this.retryOptions(request, policy)) : await once();
    } catch (error) {
      if (!(error instanceof HttpFailure)) throw error;
      error.attempts = tries;
      throw this.options.mapError ? this.options.mapError(error) : error;
    }
  }

  /** `text` with this client's secrets (and those of `headers`) and every credential-shaped string masked. */
  redact(text: string, headers: Record<string, string> = {}): string {
    const all = lowerKeys({ ...this.options.headers, ...headers });
    return redact(text, [...(this.options.secrets?.() ?? []), ...headerSecrets(all)]);
  }

  private async once(request: HttpRequest): Promise<HttpResponse> {
    const method = (request.method ?? 'GET').toUpperCase();
    const headers = lowerKeys({ ...this.options.headers, ...request.headers });
    let body = request.body;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] ??= 'application/json';
    }
    const scrub = (text: string) => this.redact(text, headers);
    const response = await exchange({
      fetch: this.options.fetch ?? globalThis.fetch,
      url: this.resolve(request.url),
      init: { method, headers, body, redirect: request.redirect },
      what: scrub(request.what ?? this.what(method, request.url)),
      timeoutMs: request.timeoutMs ?? this.options.timeoutMs ?? 30_000,
      signal: request.signal,
      redact: scrub,
    });
    const own = request.interpret?.(response);
    if (own) throw own;
    if (isFailureStatus(response.status)) throw this.failure(response, scrub);
    return response;
  }

  private failure(response: HttpResponse, scrub: (text: string) => string): HttpFailure {
    const describe = this.options.describe ?? describeBody;
    const asked = retryAfterFromHeaders(response.headers, (this.options.now ?? Date.now)());
    const wait = asked ?? (response.status === 429 ? (this.options.defaultRetryAfterMs ?? 1000) : null);
    const reason = scrub(`${response.status} ${describe(response.body, response.text)}`.trim());
    return new HttpFailure('status', response.what, reason, response, wait);
  }

  private retryOptions(request: HttpRequest, policy: HttpRetryPolicy): RetryOptions {
    const {
      attempts,
      on = 'transient',
      maxWaitMs = Infinity,
      giveUpAboveMs = Infinity,
      onRetry,
      ...backoff
    } = policy;
    const idempotent = request.idempotent ?? IDEMPOTENT.has((request.method ?? 'GET').toUpperCase());
    const transient = (e: HttpFailure) => e.kind !== 'status' || (e.status ?? 0) >= 500;
    return {
      ...backoff,
      attempts,
      signal: request.signal,
      sleep: this.options.sleep,
      retryable: (e) =>
        e instanceof HttpFailure &&
        (e.retryAfterMs ?? 0) <= giveUpAboveMs &&
        (e.status === 429 || (on === 'transient' && idempotent && transient(e))),
      retryAfterMs: (e) =>
        e instanceof HttpFailure && e.retryAfterMs !== null ? Math.min(e.retryAfterMs, maxWaitMs) : null,
      onRetry: onRetry && ((e, attempt, waitMs) => onRetry(e as HttpFailure, attempt, waitMs)),
    };
  }

  private resolve(url: string): string {
    if (isAbsolute(url)) return url;
    if (!this.baseUrl) throw new TypeError(`HttpClient: a relative URL (${url}) needs a baseUrl`);
    return `${this.baseUrl}${url}`;
  }

  private what(method: string, url: string): string {
    return `${method} ${isAbsolute(url) ? safeUrl(url) : url.split('?')[0]}`;
  }
}

/** One request through a client made for it (options as HttpClient's). */
export function httpRequest(request: HttpRequest, options?: HttpClientOptions): Promise<HttpResponse> {
  return new HttpClient(options).request(request);
}
