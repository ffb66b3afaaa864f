/**
 * How the provider adapters (and the Tailscale client) reach their APIs: the common HTTP core
 * (`@podpilot/common/node`) with Bearer auth, and its failures mapped to the providers' error classes.
 */
import { cutToCodeUnits } from '@podpilot/common';
import { HttpClient, type HttpFailure, type HttpResponse } from '@podpilot/common/node';
import { AuthError, ProviderError, ProviderUnavailableError, RateLimitedError } from './errors.js';

/** How an adapter reaches its provider's API; every adapter's options extend this. */
export interface ProviderConnectionOptions {
  /** Only ever sent in the Authorization header, and masked in every message. */
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

export interface ProviderHttpOptions extends ProviderConnectionOptions {
  /** Adapter name for error messages (`vastai`, `runpod`). */
  provider: string;
  /** e.g. `https://console.vast.ai/api/v0`; paths are appended to it. */
  baseUrl: string;
  /** A readable message from an error answer (Vast `msg`, RFC 9457 `detail`). */
  describe: (body: unknown, text: string) => string;
}

/** An answer the common rules (auth, 429, 5xx) let through: the adapter reads 2xx/4xx itself. */
export type HttpAnswer = HttpResponse;

/** Lets an adapter turn a particular answer into its own error before the common rules run (e.g. no capacity). */
export type Interpret = (answer: HttpAnswer) => Error | undefined;

/**
 * The core's failures as provider errors: 401/403 → AuthError, 429 → RateLimitedError (with the wait from
 * its headers, else the default), 5xx, timeouts and network errors → ProviderUnavailableError.
 */
export function providerErrors(provider: string): (failure: HttpFailure) => ProviderError {
  return (failure) => {
    if (failure.status === 401 || failure.status === 403) return new AuthError(provider, failure.message);
    if (failure.status === 429) {
      return new RateLimitedError(provider, failure.message, failure.retryAfterMs ?? 0);
    }
    return new ProviderUnavailableError(provider, failure.message, { cause: failure });
  };
}

/** JSON over the HTTP core for one provider's API; never retries (the lifecycle and reconciler decide). */
export class ProviderHttp {
  private readonly http: HttpClient;

  constructor(private readonly options: ProviderHttpOptions) {
    this.http = new HttpClient({
      baseUrl: options.baseUrl,
      headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' },
      timeoutMs: options.timeoutMs ?? 30_000,
      defaultRetryAfterMs: options.defaultRetryAfterMs ?? 10_000,
      describe: options.describe,
      mapError: providerErrors(options.provider),
      fetch: options.fetch,
      now: options.now,
    });
  }

  /**
   * Sends one request; never retries. Returns 2xx–4xx answers (after `interpret` had its say).
   * Throws ProviderUnavailableError (network failure, timeout, 5xx), AuthError (401/403),
   * RateLimitedError (429, with the wait from its headers).
   */
  request(method: string, path: string, body?: unknown, interpret?: Interpret): Promise<HttpAnswer> {
    return this.http.request({ method, url: path, json: body, interpret });
  }

  /** `what: status reason` of an answer, redacted: the text of an adapter's own error for it. */
  explain(answer: HttpAnswer): string {
    return this.redact(
      `${answer.what}: ${answer.status} ${this.options.describe(answer.body, answer.text)}`.trim(),
    );
  }

  /** A message with the API key and credential-shaped text masked. */
  redact(text: string): string {
    return this.http.redact(text);
  }

  /** A generic failure for an answer the adapter did not expect (not retryable as such). */
  unexpected(answer: HttpAnswer): ProviderError {
    return new ProviderError(this.options.provider, this.explain(answer));
  }

  /** For 2xx answers whose body is not the JSON the docs promise: the outcome is unknown. */
  malformed(answer: HttpAnswer): ProviderUnavailableError {
    const snippet = cutToCodeUnits(answer.text, 200);
    return new ProviderUnavailableError(
      this.options.provider,
      this.redact(`${answer.what}: unexpected answer ${snippet}`),
    );
  }
}
