/**
 * A fake of the parts of the Tailscale API v2 PodPilot uses (shared/provider-apis.md), under `/api/v2`:
 * OAuth client credentials, auth keys, devices and the policy file, with state. `join()` plays an agent
 * joining the tailnet with a key (single-use keys are spent by it, expired and revoked ones refused);
 * `offline()` / `reconnect()` play its container stopping and starting again with tailscaled's state kept;
 * an ephemeral device is removed `ephemeralOfflineMs` after it went offline, a non-ephemeral one stays.
 * Faults, call log and inspection come from `FakeServer` (5xx, 429 with Retry-After, 401, no answer, lost
 * answer). Test code only.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isRecord } from '../../../providers/json.js';
import {
  type FakeAuth,
  type FakeReply,
  type FakeRequest,
  type FakeRoute,
  FakeServer,
} from '../../../providers/test-support/fake-server.js';

export type { FakeReply, Fault } from '../../../providers/test-support/fake-server.js';

import {
  credentialOf,
  DEFAULT_FAKE_POLICY,
  FAKE_TAILSCALE_API_KEY,
  FAKE_TAILSCALE_CLIENT_ID,
  FAKE_TAILSCALE_CLIENT_SECRET,
  type FakeDevice,
  type FakeKey,
  type FakeTailscaleOptions,
  iso,
  keyJson,
  newKey,
  problem,
  type TailscaleRoute,
  unknownTailnet,
  type Via,
} from './fake-tailscale-model.js';

export * from './fake-tailscale-model.js';

export class FakeTailscale extends FakeServer<TailscaleRoute> {
  private readonly held = new Map<string, FakeKey>();
  private readonly deviceTable = new Map<string, FakeDevice>();
  private readonly tokens = new Map<string, number>();
  private readonly apiKey: string;
  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly tokenTtlSeconds: number;
  private readonly now: () => number;
  private readonly ephemeralOfflineMs: number;
  private policyText: string;
  private policyVersion = 1;
  private nextKey = 1;
  private nextDevice = 1;

  constructor(options: FakeTailscaleOptions = {}) {
    const apiKey = options.apiKey ?? FAKE_TAILSCALE_API_KEY;
    super({
      apiKey,
      errorBody: (status, message) => problem(status, message).body,
      formBodies: true,
      unauthorizedMessage: 'API token invalid',
      rateLimitMessage: 'rate limit exceeded',
    });
    this.apiKey = apiKey;
    this.clientId = options.clientId ?? FAKE_TAILSCALE_CLIENT_ID;
    this.clientSecret = options.clientSecret ?? FAKE_TAILSCALE_CLIENT_SECRET;
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
    this.policyText = options.policy ?? DEFAULT_FAKE_POLICY;
    this.now = options.now ?? Date.now;
    this.ephemeralOfflineMs = options.ephemeralOfflineMs ?? 3_600_000;
  }

  /** The client's base URL. */
  get baseUrl(): string {
    return `${this.url}/api/v2`;
  }

  /** Every key minted, revoked ones included. */
  keys(): FakeKey[] {
    return [...this.held.values()].map((key) => ({ ...key, tags: [...key.tags] }));
  }

  /** The tailnet's devices now (ephemeral ones offline for too long are gone). */
  devices(): FakeDevice[] {
    this.removeLapsedEphemeral();
    return [...this.deviceTable.values()].map((d) => ({ ...d }));
  }

  /** The device's node went offline (its container stopped or restarts): `lastSeen` stops moving. */
  offline(deviceId: string): void {
    const device = this.deviceTable.get(deviceId);
    if (!device) throw new Error(`no device ${deviceId}`);
    device.offlineSince ??= this.now();
  }

  /**
   * The node comes back with the identity in its kept tailscaled state (`tailscale up` without a key):
   * works only while its device still exists in the tailnet (not deleted, not removed as an ephemeral node
   * offline for too long). Throws otherwise, as the node then needs a new auth key to log in again.
   */
  reconnect(deviceId: string): FakeDevice {
    this.removeLapsedEphemeral();
    const device = this.deviceTable.get(deviceId);
    if (!device) throw new Error(`node ${deviceId} is not in the tailnet: logging in needs a new auth key`);
    device.offlineSince = null;
    device.lastSeen = iso(this.now());
    return { ...device };
  }

  /** The OAuth client is revoked in the admin console: tokens it was issued stop working. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /**
   * An agent runs `tailscale up --authkey <keyText> --hostname <hostname>`: works only with a key that
   * exists, is not revoked, not expired and (single-use) not used yet; the device carries the key's tags.
   * Throws otherwise, like `tailscale up` fails.
   */
  join(keyText: string, hostname: string, options: { os?: string } = {}): FakeDevice {
    const key = [...this.held.values()].find((k) => k.key === keyText);
    if (!key) throw new Error('invalid key: unknown');
    if (key.revoked) throw new Error('invalid key: revoked');
    if (key.expires <= this.now()) throw new Error('invalid key: expired');
    if (!key.reusable && key.used) throw new Error('invalid key: already used');
    key.used = true;
    return this.addDevice({
      hostname,
      tags: key.tags,
      authorized: key.preauthorized,
      isEphemeral: key.ephemeral,
      os: options.os ?? 'linux',
      keyId: key.id,
    });
  }

  /** A device that joined some other way (a laptop, the hub itself, a leftover agent). */
  addDevice(input: Partial<Omit<FakeDevice, 'id' | 'nodeId'>> & { hostname: string }): FakeDevice {
    const n = this.nextDevice++;
    const at = this.now();
    const device: FakeDevice = {
      id: String(1_000_000 + n),
      nodeId: `nFake${n}CNTRL`,
      name: `${input.hostname}.tail0fake.ts.net`,
      addresses: [`100.64.0.${n}`, `fd7a:115c:a1e0::${n}`],
      tags: [],
      authorized: true,
      isEphemeral: false,
      lastSeen: iso(at),
      created: iso(at),
      // Tagged devices have key expiry disabled; the API shows the zero time.
      expires: '0001-01-01T00:00:00Z',
      os: 'linux',
      keyId: null,
      offlineSince: null,
      ...input,
    };
    this.deviceTable.set(device.id, device);
    return device;
  }

  /** The policy file is edited in the admin console: new text, new ETag. */
  setPolicy(text: string): void {
    this.policyText = text;
    this.policyVersion++;
  }

  /** The ETag `GET /acl` sends (quoted, as HTTP wants). */
  get policyEtag(): string {
    const digest = createHash('sha256').update(`${this.policyVersion}:${this.policyText}`).digest('hex');
    return `"${digest.slice(0, 32)}"`;
  }

  // --- the API -------------------------------------------------------------------------------------------

  /** The API key (Bearer, or Basic with the key as user), or a token `token` issued and not yet expired. */
  protected override authenticate(req: IncomingMessage): FakeAuth {
    return credentialOf(req.headers.authorization, this.apiKey, (t) => this.tokens.get(t), this.now());
  }

  protected override refuse({ params }: FakeRequest): FakeReply | undefined {
    return unknownTailnet(params.tailnet);
  }

  protected routes(): FakeRoute<TailscaleRoute>[] {
    const tailnet = String.raw`\/api\/v2\/tailnet\/(?<tailnet>[^/]+)`;
    return [
      {
        name: 'token',
        method: 'POST',
        path: /^\/api\/v2\/oauth\/token$/,
        open: true,
        handle: (r) => this.token(r.body),
      },
      {
        name: 'createKey',
        method: 'POST',
        path: new RegExp(`^${tailnet}/keys$`),
        handle: (r) => this.createKey({ body: r.body, via: r.credential === 'oauth' ? 'oauth' : 'apiKey' }),
      },
      {
        name: 'deleteKey',
        method: 'DELETE',
        path: new RegExp(`^${tailnet}/keys/(?<id>[^/]+)$`),
        handle: (r) => this.deleteKey(r.params.id ?? ''),
      },
      {
        name: 'devices',
        method: 'GET',
        path: new RegExp(`^${tailnet}/devices$`),
        handle: () => this.listDevices(),
      },
      {
        name: 'deleteDevice',
        method: 'DELETE',
        path: /^\/api\/v2\/device\/(?<id>[^/]+)$/,
        handle: (r) => this.deleteDevice(r.params.id ?? ''),
      },
      { name: 'acl', method: 'GET', path: new RegExp(`^${tailnet}/acl$`), handle: () => this.acl() },
    ];
  }

  private token(body: unknown): FakeReply {
    const form = isRecord(body) ? body : {};
    if (form.grant_type !== 'client_credentials') {
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    }
    if (form.client_id !== this.clientId || form.client_secret !== this.clientSecret) {
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'invalid client credentials' },
      };
    }
    const token = `tskey-oauthtoken-${randomBytes(8).toString('hex')}`;
    this.tokens.set(token, this.now() + this.tokenTtlSeconds * 1000);
    return {
      status: 200,
      body: { access_token: token, expires_in: this.tokenTtlSeconds, token_type: 'Bearer', scope: 'all' },
    };
  }

  private createKey({ body, via }: { body: unknown; via: Via }): FakeReply {
    const key = newKey(body, via, `kFake${this.nextKey}CNTRL`, this.now());
    if ('status' in key) return key;
    this.nextKey++;
    this.held.set(key.id, key);
    return { status: 200, body: { ...keyJson(key, this.now()), key: key.key } };
  }

  private deleteKey(id: string): FakeReply {
    const key = this.held.get(id);
    if (!key || key.revoked) return problem(404, 'key not found');
    key.revoked = true;
    return { status: 200 };
  }

  /** Tailscale removes ephemeral nodes some time after they went offline (shared/provider-apis.md). */
  private removeLapsedEphemeral(): void {
    for (const [id, device] of this.deviceTable) {
      const since = device.offlineSince;
      if (device.isEphemeral && since !== null && this.now() - since >= this.ephemeralOfflineMs) {
        this.deviceTable.delete(id);
      }
    }
  }

  private listDevices(): FakeReply {
    this.removeLapsedEphemeral();
    const devices = [...this.deviceTable.values()].map(({ keyId: _k, offlineSince, ...device }) => ({
      ...device,
      lastSeen: offlineSince === null ? iso(this.now()) : iso(offlineSince),
    }));
    return { status: 200, body: { devices } };
  }

  private deleteDevice(id: string): FakeReply {
    this.removeLapsedEphemeral();
    if (!this.deviceTable.delete(id)) return problem(404, 'device not found');
    return { status: 200 };
  }

  private acl(): FakeReply {
    return {
      status: 200,
      text: this.policyText,
      headers: { 'content-type': 'application/hujson', etag: this.policyEtag },
    };
  }
}

/** A fake listening on loopback. */
export async function startFakeTailscale(options: FakeTailscaleOptions = {}): Promise<FakeTailscale> {
  const fake = new FakeTailscale(options);
  await fake.listen();
  return fake;
}
