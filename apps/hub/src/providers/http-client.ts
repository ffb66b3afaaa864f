import { AuthError, ProviderError, ProviderUnavailableError, RateLimitedError } from './errors.js';

/** What every adapter's HTTP calls share. The API key is only ever put in the Authorization header. */
/** How an adapter reaches its provider's API; every adapter's options extend this. */
export interface ProviderConnectionOptions {
  apiKey: string;
  /** The API's base URL; each adapter has its default. */
  baseUrl?: string;
  /** Per request, answer included. Default 30 s. */
  timeoutMs?: number;
  /** Wait after a 429 that names none. Default 10 s. */
  defaultRetryAfterMs?: number;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

export interface HttpClientOptions extends ProviderConnectionOptions {
  /** Adapter name for error messages (`vastai`, `runpod`). */
  provider: string;
  /** e.g. `https://console.vast.ai/api/v0`; paths are appended to it. */
  baseUrl: string;
  /** A readable message from an error answer (Vast `msg`, RFC 9457 `detail`). */
  describe: (body: unknown, text: string) => string;
}

/** An answer the common rules (auth, 429, 5xx) let through: the adapter reads 2xx/4xx itself. */
export interface HttpAnswer {
  status: number;
  /** Parsed JSON, or null for an empty or non-JSON body. */
  body: unknown;
  /** The body text, for messages. */
  text: string;
  what: string;
}

/** Lets an adapter turn a particular answer into its own error before the common rules run (e.g. no capacity). */
export type Interpret = (answer: HttpAnswer) => Error | undefined;

/** A plain JSON object. */
/** A JSON number, or a numeric string (some answers quote prices); null otherwise. */
export const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value)
    ? value
    : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
      ? Number(value)
      : null;

/** A non-empty JSON string, or null. */
export const str = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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
export function retryAfterMs(headers: Headers, now: number): number | null {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (retryAfter !== null) return retryAfter;
  const reset =
    headers.get('ratelimit-reset') ??
    /(?:^|[;,\s])(?:t|reset)=(\d+)/.exec(headers.get('ratelimit') ?? '')?.[1];
  return reset && /^\d+$/.test(reset.trim()) ? Number(reset.trim()) * 1000 : null;
}

function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** JSON over fetch with a per-request timeout, mapping transport failures and the common statuses to errors. */
export class HttpClient {
  private readonly baseUrl: string;

  private readonly options: Required<HttpClientOptions>;

  constructor(options: HttpClientOptions) {
    this.options = {
      ...options,
      timeoutMs: options.timeoutMs ?? 30_000,
      defaultRetryAfterMs: options.defaultRetryAfterMs ?? 10_000,
      fetch: options.fetch ?? globalThis.fetch,
      now: options.now ?? Date.now,
    };
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /**
   * Sends one request; never retries. Returns 2xx–4xx answers (after `interpret` had its say).
   * Throws ProviderUnavailableError (network failure, timeout, 5xx), AuthError (401/403),
   * RateLimitedError (429, with the wait from its headers).
   */
  async request(method: string, path: string, body?: unknown, interpret?: Interpret): Promise<HttpAnswer> {
    const { provider, timeoutMs, describe } = this.options;
    const what = `${method} ${path.split('?')[0]}`;
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const reason =
        name === 'TimeoutError' || name === 'AbortError'
          ? `no answer within ${timeoutMs} ms`
          : networkReason(error);
      throw new ProviderUnavailableError(provider, `${what}: ${reason}`, { cause: error });
    }
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    const answer: HttpAnswer = { status: response.status, body: parsed, text, what };
    const own = interpret?.(answer);
    if (own) throw own;
    const message = () => `${what}: ${response.status} ${describe(parsed, text)}`.trim();
    if (response.status === 401 || response.status === 403) throw new AuthError(provider, message());
    if (response.status === 429) {
      const wait = retryAfterMs(response.headers, this.options.now()) ?? this.options.defaultRetryAfterMs;
      throw new RateLimitedError(provider, message(), wait);
    }
    if (response.status >= 500) throw new ProviderUnavailableError(provider, message());
    return answer;
  }

  /** A generic failure for an answer the adapter did not expect (not retryable as such). */
  unexpected(answer: HttpAnswer): ProviderError {
    const detail = this.options.describe(answer.body, answer.text);
    return new ProviderError(this.options.provider, `${answer.what}: ${answer.status} ${detail}`.trim());
  }

  /** For 2xx answers whose body is not the JSON the docs promise: the outcome is unknown. */
  malformed(answer: HttpAnswer): ProviderUnavailableError {
    const snippet = answer.text.slice(0, 200);
    return new ProviderUnavailableError(
      this.options.provider,
      `${answer.what}: unexpected answer ${snippet}`,
    );
  }
}
