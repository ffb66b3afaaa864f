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
import {
  AuthError,
  ProviderError,
  ProviderUnavailableError,
  RateLimitedError,
} from '../../providers/errors.js';
import { isRecord, retryAfterMs, str } from '../../providers/http-client.js';

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

/** A freshly minted auth key; `key` (the secret text) is returned by the API this once only. */
export interface TailscaleAuthKey {
  id: string;
  key: string;
  /** ISO time the key stops working for new devices. */
  expires: string;
}

export interface TailscaleDevice {
  /** The device's id for `DELETE /device/{id}`. */
  id: string;
  nodeId: string;
  /** MagicDNS name (`host.tailnet.ts.net`). */
  name: string;
  /** The machine name the node asked for (`tailscale up --hostname`, `TS_HOSTNAME`). */
  hostname: string;
  addresses: string[];
  tags: string[];
  authorized: boolean;
  isEphemeral: boolean;
  lastSeen: string | null;
  created: string | null;
  expires: string | null;
  os: string;
}

export interface TailscalePolicy {
  /** The policy file exactly as stored (HuJSON). */
  policy: string;
  /** The ETag header, for a conditional update (`If-Match`); null when the API sent none. */
  etag: string | null;
}

const PROVIDER = 'tailscale';
const DESCRIPTION_MAX = 50;

interface Answer {
  status: number;
  text: string;
  body: unknown;
  headers: Headers;
  what: string;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const networkReason = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'no answer in time';
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
};

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** The API's error text: `{"message": …}` for the API, `{"error", "error_description"}` for OAuth. */
function describe(body: unknown, text: string): string {
  if (isRecord(body)) {
    const message = str(body.message) ?? str(body.error_description) ?? str(body.error);
    if (message) return message;
  }
  return text.slice(0, 200);
}

function device(value: unknown): TailscaleDevice | null {
  if (!isRecord(value)) return null;
  const id = str(value.id) ?? (typeof value.id === 'number' ? String(value.id) : null);
  if (!id) return null;
  return {
    id,
    nodeId: str(value.nodeId) ?? '',
    name: str(value.name) ?? '',
    hostname: str(value.hostname) ?? '',
    addresses: strings(value.addresses),
    tags: strings(value.tags),
    authorized: value.authorized === true,
    isEphemeral: value.isEphemeral === true,
    lastSeen: str(value.lastSeen),
    created: str(value.created),
    expires: str(value.expires),
    os: str(value.os) ?? '',
  };
}

/**
 * One tailnet's auth keys, devices and policy file. Safe to share: OAuth access tokens are fetched once and
 * reused by concurrent calls until shortly before they expire.
 */
export class TailscaleClient {
  readonly tailnet: string;
  private readonly baseUrl: string;
  private readonly options: Required<Omit<TailscaleClientOptions, 'tailnet' | 'baseUrl'>>;
  private token: { value: string; renewAt: number } | null = null;
  private tokenRequest: Promise<string> | null = null;

  constructor(options: TailscaleClientOptions) {
    this.tailnet = options.tailnet?.trim() || '-';
    this.baseUrl = (options.baseUrl ?? TAILSCALE_API_URL).replace(/\/+$/, '');
    this.options = {
      credentials: options.credentials,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 3,
      defaultRetryAfterMs: options.defaultRetryAfterMs ?? 1_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
      tokenRenewMarginMs: options.tokenRenewMarginMs ?? 60_000,
      fetch: options.fetch ?? globalThis.fetch,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? sleepFor,
    };
  }

  /**
   * Mints a single-use, ephemeral, pre-authorised auth key carrying `tags` (`POST /tailnet/{t}/keys`).
   * Not idempotent: each call makes a new key (revoke the ones you no longer need). `description` must
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
        devices: { create: { reusable: false, ephemeral: true, preauthorized: true, tags: input.tags } },
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
   * One API call with the current credentials: 429 is retried (bounded, honouring Retry-After); a 401 with
   * a cached OAuth token fetches a new token once. Returns 2xx/4xx answers other than 401/403/429.
   */
  private async call(
    method: string,
    path: string,
    options: { json?: unknown; accept?: string } = {},
  ): Promise<Answer> {
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      const authorization = `Bearer ${await this.accessToken()}`;
      const answer = await this.send(method, path, {
        authorization,
        accept: options.accept ?? 'application/json',
        ...(options.json === undefined
          ? {}
          : { body: JSON.stringify(options.json), type: 'application/json' }),
      });
      if (answer.status === 401 && this.options.credentials.kind === 'oauth' && !renewed) {
        // The cached token may have been revoked or expired early: one fresh token, then the answer stands.
        renewed = true;
        this.token = null;
        continue;
      }
      if (answer.status === 429 && (await this.waitBeforeRetry(answer, attempt))) continue;
      return this.checked(answer);
    }
  }

  /** Waits out a 429 and returns true when another attempt is allowed; false when it is not. */
  private async waitBeforeRetry(answer: Answer, attempt: number): Promise<boolean> {
    const wait = retryAfterMs(answer.headers, this.options.now()) ?? this.options.defaultRetryAfterMs;
    if (attempt >= this.options.maxRetries || wait > this.options.maxRetryAfterMs) return false;
    await this.options.sleep(wait);
    return true;
  }

  /** The common statuses as errors; everything else is the caller's to read. */
  private checked(answer: Answer): Answer {
    const message = () => `${answer.what}: ${answer.status} ${describe(answer.body, answer.text)}`.trim();
    if (answer.status === 401 || answer.status === 403) throw new AuthError(PROVIDER, this.redact(message()));
    if (answer.status === 429) {
      const wait = retryAfterMs(answer.headers, this.options.now()) ?? this.options.defaultRetryAfterMs;
      throw new RateLimitedError(PROVIDER, this.redact(message()), wait);
    }
    if (answer.status >= 500) throw new ProviderUnavailableError(PROVIDER, this.redact(message()));
    return answer;
  }

  /** The bearer token: the API key, or a cached OAuth access token (one request at a time fetches it). */
  private async accessToken(): Promise<string> {
    const credentials = this.options.credentials;
    if (credentials.kind === 'apiKey') return credentials.apiKey;
    if (this.token && this.options.now() < this.token.renewAt) return this.token.value;
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
    for (let attempt = 0; ; attempt++) {
      const answer = await this.send('POST', '/oauth/token', {
        accept: 'application/json',
        body: form.toString(),
        type: 'application/x-www-form-urlencoded',
      });
      if (answer.status === 429 && (await this.waitBeforeRetry(answer, attempt))) continue;
      if (answer.status === 400 || answer.status === 401 || answer.status === 403) {
        const detail = describe(answer.body, answer.text);
        throw new AuthError(
          PROVIDER,
          this.redact(`OAuth client credentials refused: ${answer.status} ${detail}`.trim()),
        );
      }
      this.checked(answer);
      if (answer.status !== 200) throw this.refused(answer);
      const json = isRecord(answer.body) ? answer.body : {};
      const token = str(json.access_token);
      const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : 3600;
      if (!token) throw this.malformed({ ...answer, text: '' });
      const lifetimeMs = expiresIn * 1000;
      // Renew a margin before expiry, but never use less than half of a short-lived token's life.
      const margin = Math.min(this.options.tokenRenewMarginMs, lifetimeMs / 2);
      this.token = { value: token, renewAt: this.options.now() + lifetimeMs - margin };
      return token;
    }
  }

  /** One HTTP exchange; transport failures and timeouts become ProviderUnavailableError. */
  private async send(
    method: string,
    path: string,
    request: { authorization?: string; accept: string; body?: string; type?: string },
  ): Promise<Answer> {
    const what = `${method} ${path}`;
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          accept: request.accept,
          ...(request.authorization ? { authorization: request.authorization } : {}),
          ...(request.type ? { 'content-type': request.type } : {}),
        },
        body: request.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new ProviderUnavailableError(PROVIDER, this.redact(`${what}: ${networkReason(error)}`), {
        cause: error,
      });
    }
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { status: response.status, text, body, headers: response.headers, what };
  }

  private refused(answer: Answer): ProviderError {
    const detail = describe(answer.body, answer.text);
    return new ProviderError(PROVIDER, this.redact(`${answer.what}: ${answer.status} ${detail}`.trim()));
  }

  /** A 2xx answer that is not what the docs promise: the outcome is unknown. */
  private malformed(answer: Answer): ProviderUnavailableError {
    return new ProviderUnavailableError(
      PROVIDER,
      this.redact(`${answer.what}: unexpected answer ${answer.text.slice(0, 200)}`.trim()),
    );
  }

  /** Removes every credential and key text from a message (an API could echo one back). */
  private redact(message: string): string {
    const credentials = this.options.credentials;
    const secrets = [
      credentials.kind === 'apiKey' ? credentials.apiKey : credentials.clientSecret,
      this.token?.value,
    ].filter((s): s is string => typeof s === 'string' && s.length >= 4);
    let out = message;
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out.replace(/tskey-[A-Za-z0-9_-]+/g, 'tskey-[redacted]');
  }
}
