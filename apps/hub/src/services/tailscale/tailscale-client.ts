/**
 * A client of the Tailscale API v2 (shared/provider-apis.md, "Tailscale API v2"): auth keys, devices and the
 * policy file of one tailnet. Authenticates with an API access token, or with OAuth client credentials
 * traded for a short-lived access token (cached until shortly before it expires).
 *
 * Errors are the providers' (`providers/errors.ts`, provider `tailscale`): AuthError (401/403, or refused
 * client credentials), RateLimitedError (429 still answered after the bounded retries), ProviderUnavailableError
 * (network failure, timeout, 5xx, a 2xx answer that is not what the docs promise) and ProviderError (any
 * other refusal). No message ever contains a key, token or client secret.
 */
import { HttpClient, type HttpResponse } from '@podpilot/common/node';
import { AuthError, ProviderError, ProviderUnavailableError } from '../../providers/errors.js';
import { isRecord, str } from '../../providers/json.js';
import { providerErrors } from '../../providers/provider-http.js';
import {
  describe,
  device,
  type TailscaleAuthKey,
  type TailscaleDevice,
  type TailscalePolicy,
} from './tailscale-api.js';

export type { TailscaleAuthKey, TailscaleDevice, TailscalePolicy } from './tailscale-api.js';

export const TAILSCALE_API_URL = 'https://api.tailscale.com/api/v2';

/** How the hub authenticates: an API access token, or an OAuth client (id and secret). */
export type TailscaleCredentials =
  | { kind: 'apiKey'; apiKey: string }
  | { kind: 'oauth'; clientId: string; clientSecret: string };

export interface TailscaleClientOptions {
  credentials: TailscaleCredentials;
  /** The tailnet's name; `-` (the default) is the tailnet of the credentials. */
  tailnet?: string;
  /** Default `https://api.tailscale.com/api/v2`; the fake's URL in tests. */
  baseUrl?: string;
  /** Per request, answer included. Default 30 s. */
  timeoutMs?: number;
  /** How often a 429 is retried before RateLimitedError is thrown. Default 3. */
  maxRetries?: number;
  /** Wait after a 429 without Retry-After. Default 1 s. */
  defaultRetryAfterMs?: number;
  /** A 429 asking for a longer wait than this is not retried but thrown at once. Default 30 s. */
  maxRetryAfterMs?: number;
  /** An OAuth access token is renewed this long before it expires. Default 60 s. */
  tokenRenewMarginMs?: number;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const PROVIDER = 'tailscale';
const DESCRIPTION_MAX = 50;

/** The cached OAuth token was refused: fetch a new one and try once more. */
class StaleToken extends Error {}

/**
 * One tailnet's auth keys, devices and policy file. Safe to share: OAuth access tokens are fetched once and
 * reused by concurrent calls until shortly before they expire.
 */
export class TailscaleClient {
  readonly tailnet: string;
  private readonly credentials: TailscaleCredentials;
  private readonly tokenRenewMarginMs: number;
  private readonly now: () => number;
  private readonly http: HttpClient;
  private token: { value: string; renewAt: number } | null = null;
  private tokenRequest: Promise<string> | null = null;

  constructor(options: TailscaleClientOptions) {
    this.tailnet = options.tailnet?.trim() || '-';
    this.credentials = options.credentials;
    this.tokenRenewMarginMs = options.tokenRenewMarginMs ?? 60_000;
    this.now = options.now ?? Date.now;
    const secret =
      options.credentials.kind === 'apiKey' ? options.credentials.apiKey : options.credentials.clientSecret;
    this.http = new HttpClient({
      baseUrl: options.baseUrl ?? TAILSCALE_API_URL,
      timeoutMs: options.timeoutMs ?? 30_000,
      defaultRetryAfterMs: options.defaultRetryAfterMs ?? 1_000,
      // Only 429s are retried, each after exactly the wait Tailscale asks for (no backoff on top).
      retry: {
        attempts: (options.maxRetries ?? 3) + 1,
        on: 'rate-limited',
        giveUpAboveMs: options.maxRetryAfterMs ?? 30_000,
        baseMs: 0,
      },
      describe,
      secrets: () => [secret, this.token?.value],
      mapError: providerErrors(PROVIDER),
      fetch: options.fetch,
      now: this.now,
      sleep: options.sleep,
    });
  }

  /**
   * Mints a single-use, pre-authorised, **non-ephemeral** auth key carrying `tags` (`POST /tailnet/{t}/keys`):
   * the node it makes outlives a stop of its container (tailscaled's state is on the kept disk) and is
   * deleted explicitly at destroy; an ephemeral node would be removed while its instance is stopped, and a
   * started container could not join again with its spent key. Not idempotent: each call makes a new key (revoke the ones you no longer need). `description` must
   * be at most 50 characters (a RangeError otherwise, before any call). Throws the errors listed above.
   */
  async createAuthKey(input: {
    tags: string[];
    expirySeconds: number;
    description: string;
  }): Promise<TailscaleAuthKey> {
    if (input.description.length > DESCRIPTION_MAX) {
      throw new RangeError(`auth key description: at most ${DESCRIPTION_MAX} characters`);
    }
    const body = {
      capabilities: {
        devices: { create: { reusable: false, ephemeral: false, preauthorized: true, tags: input.tags } },
      },
      expirySeconds: input.expirySeconds,
      description: input.description,
    };
    const answer = await this.call('POST', `/tailnet/${this.tailnetPath()}/keys`, { json: body });
    if (answer.status !== 200) throw this.refused(answer);
    const json = isRecord(answer.body) ? answer.body : {};
    const id = str(json.id);
    const key = str(json.key);
    if (!id || !key) throw this.malformed(answer);
    return { id, key, expires: str(json.expires) ?? '' };
  }

  /**
   * Revokes the auth key `id` (`DELETE /tailnet/{t}/keys/{id}`). Idempotent: a key already gone (404) is
   * fine. Returns whether this call revoked it. Throws the errors listed above.
   */
  async deleteAuthKey(id: string): Promise<boolean> {
    const path = `/tailnet/${this.tailnetPath()}/keys/${encodeURIComponent(id)}`;
    const answer = await this.call('DELETE', path);
    if (answer.status === 404) return false;
    if (answer.status >= 300) throw this.refused(answer);
    return true;
  }

  /** The tailnet's devices (`GET /tailnet/{t}/devices`). Read-only. Throws the errors listed above. */
  async listDevices(): Promise<TailscaleDevice[]> {
    const answer = await this.call('GET', `/tailnet/${this.tailnetPath()}/devices`);
    if (answer.status !== 200) throw this.refused(answer);
    if (!isRecord(answer.body) || !Array.isArray(answer.body.devices)) throw this.malformed(answer);
    return answer.body.devices.map(device).filter((d): d is TailscaleDevice => d !== null);
  }

  /**
   * Removes the device `id` from the tailnet (`DELETE /device/{id}`). Idempotent: a device already gone
   * (404) is fine. Returns whether this call removed it. Throws the errors listed above.
   */
  async deleteDevice(id: string): Promise<boolean> {
    const answer = await this.call('DELETE', `/device/${encodeURIComponent(id)}`);
    if (answer.status === 404) return false;
    if (answer.status >= 300) throw this.refused(answer);
    return true;
  }

  /**
   * The policy file as stored (`GET /tailnet/{t}/acl`, `Accept: application/hujson`: comments kept) and its
   * ETag. Read-only. Throws the errors listed above.
   */
  async getPolicy(): Promise<TailscalePolicy> {
    const answer = await this.call('GET', `/tailnet/${this.tailnetPath()}/acl`, {
      accept: 'application/hujson',
    });
    if (answer.status !== 200) throw this.refused(answer);
    return { policy: answer.text, etag: answer.headers.get('etag') };
  }

  private tailnetPath(): string {
    return encodeURIComponent(this.tailnet);
  }

  /**
   * One API call with the current credentials: 429 is retried by the HTTP core (bounded, honouring
   * Retry-After); a 401 with a cached OAuth token fetches a new token once. Returns 2xx/4xx answers other
   * than 401/403/429.
   */
  private async call(
    method: string,
    path: string,
    options: { json?: unknown; accept?: string } = {},
  ): Promise<HttpResponse> {
    for (let renewed = false; ; renewed = true) {
      const authorization = `Bearer ${await this.accessToken()}`;
      // The cached token may have been revoked or expired early: one fresh token, then the answer stands.
      const stale = (answer: HttpResponse) =>
        answer.status === 401 && this.credentials.kind === 'oauth' && !renewed ? new StaleToken() : undefined;
      try {
        return await this.http.request({
          method,
          url: path,
          headers: { authorization, accept: options.accept ?? 'application/json' },
          json: options.json,
          interpret: stale,
        });
      } catch (error) {
        if (!(error instanceof StaleToken)) throw error;
        this.token = null;
      }
    }
  }

  /** The bearer token: the API key, or a cached OAuth access token (one request at a time fetches it). */
  private async accessToken(): Promise<string> {
    const credentials = this.credentials;
    if (credentials.kind === 'apiKey') return credentials.apiKey;
    if (this.token && this.now() < this.token.renewAt) return this.token.value;
    this.tokenRequest ??= this.fetchToken(credentials).finally(() => {
      this.tokenRequest = null;
    });
    return this.tokenRequest;
  }

  private async fetchToken(credentials: { clientId: string; clientSecret: string }): Promise<string> {
    const form = new URLSearchParams({
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      grant_type: 'client_credentials',
    });
    const refused = (answer: HttpResponse) =>
      answer.status === 400 || answer.status === 401 || answer.status === 403
        ? new AuthError(
            PROVIDER,
            this.http.redact(
              `OAuth client credentials refused: ${answer.status} ${describe(answer.body, answer.text)}`.trim(),
            ),
          )
        : undefined;
    const answer = await this.http.request({
      method: 'POST',
      url: '/oauth/token',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      interpret: refused,
    });
    if (answer.status !== 200) throw this.refused(answer);
    const json = isRecord(answer.body) ? answer.body : {};
    const token = str(json.access_token);
    const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : 3600;
    if (!token) throw this.malformed({ ...answer, text: '' });
    const lifetimeMs = expiresIn * 1000;
    // Renew a margin before expiry, but never use less than half of a short-lived token's life.
    const margin = Math.min(this.tokenRenewMarginMs, lifetimeMs / 2);
    this.token = { value: token, renewAt: this.now() + lifetimeMs - margin };
    return token;
  }

  private refused(answer: HttpResponse): ProviderError {
    const detail = describe(answer.body, answer.text);
    return new ProviderError(PROVIDER, this.http.redact(`${answer.what}: ${answer.status} ${detail}`.trim()));
  }

  /** A 2xx answer that is not what the docs promise: the outcome is unknown. */
  private malformed(answer: HttpResponse): ProviderUnavailableError {
    return new ProviderUnavailableError(
      PROVIDER,
      this.http.redact(`${answer.what}: unexpected answer ${answer.text.slice(0, 200)}`.trim()),
    );
  }
}
