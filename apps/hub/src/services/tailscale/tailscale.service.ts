import { createHash } from 'node:crypto';
import { errorMessage as describe, TAILSCALE_TAGS, type TailscalePolicyResponse } from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/db.js';
import { ProviderError } from '../../providers/errors.js';
import { LifecycleRepository } from '../../repositories/lifecycle.repository.js';
import { TailscaleRepository } from '../../repositories/tailscale.repository.js';
import type { SecretsService } from '../auth/secrets.service.js';
import {
  TailscaleClient,
  type TailscaleClientOptions,
  type TailscaleCredentials,
  type TailscaleDevice,
} from './tailscale-client.js';

/** The secrets the service reads (`PUT /api/secrets/:name`). */
export const TAILSCALE_SECRETS = {
  apiKey: 'tailscale.api_key',
  oauthClientId: 'tailscale.oauth_client_id',
  oauthClientSecret: 'tailscale.oauth_client_secret',
  /** Optional; `-` (the credentials' own tailnet) when unset. */
  tailnet: 'tailscale.tailnet',
} as const;

/**
 * The machine name an instance's agent joins the tailnet with (`TS_HOSTNAME`): `podpilot-<instance id>`.
 * The stale-device step reads instance ids back from it.
 */
/** The API's device `name` without a trailing dot; undefined when the API gave none. */
const magicDnsName = (name: string) => name.replace(/\.$/, '').toLowerCase() || undefined;

export const agentHostname = (instanceId: string) => `podpilot-${instanceId}`;

const HOSTNAME = /^podpilot-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The instance id a device's hostname names, or null. */
export const instanceIdOfHostname = (hostname: string): string | null =>
  HOSTNAME.exec(hostname)?.[1]?.toLowerCase() ?? null;

/**
 * Whether agents launched on `provider` join the tailnet. Not on `local`: its agent runs on the hub's own
 * machine and reaches the hub directly, so no key is minted for it.
 */
export const providerJoinsTailnet = (provider: string): boolean => provider !== 'local';

/** Neither `tailscale.api_key` nor both OAuth client secrets are stored. */
export class TailscaleNotConfiguredError extends Error {
  override name = 'TailscaleNotConfiguredError';
  constructor() {
    super(
      `Tailscale is not configured: store the secret ${TAILSCALE_SECRETS.apiKey}, or both ` +
        `${TAILSCALE_SECRETS.oauthClientId} and ${TAILSCALE_SECRETS.oauthClientSecret}`,
    );
  }
}

export interface TailscaleServiceOptions
  extends Omit<TailscaleClientOptions, 'credentials' | 'tailnet' | 'now'> {
  /** Lifetime of a launch's auth key. Default 3600 s. */
  keyExpirySeconds?: number;
  /** Agent devices younger than this are never removed as stale (a launch may not be recorded yet). Default 10 min. */
  staleGraceMs?: number;
  now?: () => number;
}

/**
 * The hub's side of Tailscale: an auth key per rental on a provider that needs one (single-use,
 * pre-authorised, non-ephemeral, tagged `tag:podpilot-agent`, short-lived), revoked once the agent
 * registered. The agent's node keeps its identity in tailscaled's state on the kept disk, so a stopped
 * instance keeps its device and rejoins without a key when it starts; the device is deleted when the
 * instance is destroyed (or rented anew), and the reconciler removes agent devices of destroyed, failed and
 * unknown instances. Credentials are secrets, read at each use (a changed secret takes effect at once);
 * without them every step is a no-op.
 */
export class TailscaleService {
  private readonly rows: TailscaleRepository;
  private readonly lifecycle: LifecycleRepository;
  private readonly now: () => number;
  private cached: { fingerprint: string; client: TailscaleClient } | null = null;

  constructor(
    db: Db,
    private readonly secrets: Pick<SecretsService, 'reveal'>,
    private readonly log: FastifyBaseLogger,
    private readonly options: TailscaleServiceOptions = {},
  ) {
    this.rows = new TailscaleRepository(db);
    this.lifecycle = new LifecycleRepository(db);
    this.now = options.now ?? Date.now;
  }

  /** Whether the credentials are stored. Throws only when a secret cannot be decrypted. */
  async configured(): Promise<boolean> {
    return (await this.client()) !== null;
  }

  /**
   * A client for the stored credentials (OAuth client when both of its secrets are stored, else the API
   * key), or null when there are none. The same client (and its cached OAuth token) is reused until a
   * secret changes.
   */
  async client(): Promise<TailscaleClient | null> {
    const [apiKey, clientId, clientSecret, tailnet] = await Promise.all([
      this.secrets.reveal(TAILSCALE_SECRETS.apiKey),
      this.secrets.reveal(TAILSCALE_SECRETS.oauthClientId),
      this.secrets.reveal(TAILSCALE_SECRETS.oauthClientSecret),
      this.secrets.reveal(TAILSCALE_SECRETS.tailnet),
    ]);
    let credentials: TailscaleCredentials;
    if (clientId && clientSecret) credentials = { kind: 'oauth', clientId, clientSecret };
    else if (apiKey) credentials = { kind: 'apiKey', apiKey };
    else return null;
    // Only in memory, only to notice a changed secret.
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([credentials, tailnet ?? '-']))
      .digest('hex');
    if (this.cached?.fingerprint !== fingerprint) {
      const { keyExpirySeconds: _k, staleGraceMs: _s, ...clientOptions } = this.options;
      const client = new TailscaleClient({ ...clientOptions, credentials, tailnet: tailnet ?? '-' });
      this.cached = { fingerprint, client };
    }
    return this.cached.client;
  }

  /**
   * Mints the auth key for a new rental of `instanceId` (description `podpilot <first 8 of id>`) and records
   * its id. An earlier rental of the instance is gone by then (a relaunch destroys it first): its key is
   * revoked and its device deleted first (best effort, never throwing: the reconciler retries). Returns
   * null when Tailscale is not configured (launches work without it). Not idempotent: each call mints a
   * new key. Throws the client's errors (AuthError, RateLimitedError, ProviderUnavailableError,
   * ProviderError) when the key cannot be minted.
   */
  async mintAgentKey(instanceId: string): Promise<{ keyId: string; key: string } | null> {
    const client = await this.client();
    if (!client) return null;
    if (await this.rows.find(instanceId)) await this.instanceDestroyed(instanceId);
    const minted = await client.createAuthKey({
      tags: [TAILSCALE_TAGS.agent],
      expirySeconds: this.options.keyExpirySeconds ?? 3600,
      description: `podpilot ${instanceId.slice(0, 8)}`,
    });
    const expires = Date.parse(minted.expires);
    await this.rows.recordKey(instanceId, {
      id: minted.id,
      expiresAt: Number.isNaN(expires) ? null : new Date(expires),
      hostname: agentHostname(instanceId),
    });
    return { keyId: minted.id, key: minted.key };
  }

  /**
   * The launch environment for the instance's agent on `provider`: `TS_AUTHKEY` (a fresh key, see
   * `mintAgentKey`) and `TS_HOSTNAME` (`podpilot-<instance id>`); empty, without any call, when Tailscale is
   * not configured or the provider's agents do not join the tailnet (`providerJoinsTailnet`). Throws as
   * mintAgentKey.
   */
  async agentEnv(instanceId: string, provider: string): Promise<Record<string, string>> {
    if (!providerJoinsTailnet(provider)) return {};
    const minted = await this.mintAgentKey(instanceId);
    return minted ? { TS_AUTHKEY: minted.key, TS_HOSTNAME: agentHostname(instanceId) } : {};
  }

  /**
   * The agent registered: revokes the launch's key (idempotent) and records the agent's device id when the
   * device is already in the tailnet. Never throws: a failure is logged and recorded as an instance event
   * (an unrevoked single-use key expires on its own; the reconciler revokes those of ended instances).
   */
  async agentRegistered(instanceId: string): Promise<void> {
    await this.bestEffort(instanceId, 'tailscale-key-revoke-failed', 'revoking the auth key', async () => {
      const client = await this.client();
      const row = client ? await this.rows.find(instanceId) : null;
      if (!client || !row) return;
      if (row.keyId && !row.keyRevokedAt) await this.revoke(client, instanceId, row.keyId);
      if (!row.deviceId || !row.deviceName) {
        const device = (await client.listDevices()).find((d) => this.isAgentOf(d, instanceId));
        if (device) await this.rows.setDevice(instanceId, device.id, magicDnsName(device.name));
      }
    });
  }

  /**
   * The instance was destroyed (not merely stopped: a stopped instance keeps its device): deletes its
   * agent's device (the recorded one, else those tagged `tag:podpilot-agent` with its hostname) and revokes
   * its key if still valid. Idempotent. Never throws: a failure is logged and recorded as an instance
   * event; the reconciler's stale-device step retries.
   */
  async instanceDestroyed(instanceId: string): Promise<void> {
    await this.bestEffort(instanceId, 'tailscale-device-delete-failed', 'removing the device', async () => {
      const client = await this.client();
      const row = client ? await this.rows.find(instanceId) : null;
      if (!client || !row) return;
      const ids = row.deviceId
        ? [row.deviceId]
        : (await client.listDevices()).filter((d) => this.isAgentOf(d, instanceId)).map((d) => d.id);
      for (const id of ids) {
        await client.deleteDevice(id);
        await this.rows.forgetDevice(id);
      }
      if (row.keyId && !row.keyRevokedAt) await this.revoke(client, instanceId, row.keyId);
    });
  }

  /**
   * The reconciler's step: deletes devices tagged `tag:podpilot-agent` whose hostname names no instance in
   * `keptInstanceIds` (default: every instance neither destroyed nor failed, so stopped ones keep theirs),
   * except devices younger than the grace period; revokes keys still valid of instances that are not live
   * (stopped ones included). Returns the devices it deleted. Returns [] when Tailscale is not configured.
   * Throws the client's errors when the device list cannot be read; a device or key that cannot be removed
   * is logged and left for the next pass.
   */
  async removeStaleDevices(keptInstanceIds?: readonly string[]): Promise<{ id: string; hostname: string }[]> {
    const client = await this.client();
    if (!client) return [];
    const kept = new Set(
      (keptInstanceIds ?? (await this.rows.deviceKeptInstanceIds())).map((id) => id.toLowerCase()),
    );
    const graceMs = this.options.staleGraceMs ?? 10 * 60_000;
    const removed: { id: string; hostname: string }[] = [];
    for (const device of await client.listDevices()) {
      if (!device.tags.includes(TAILSCALE_TAGS.agent)) continue;
      const instanceId = instanceIdOfHostname(device.hostname);
      if (instanceId && kept.has(instanceId)) {
        await this.rows.setDevice(instanceId, device.id, magicDnsName(device.name));
        continue;
      }
      const created = device.created ? Date.parse(device.created) : Number.NaN;
      if (!Number.isNaN(created) && this.now() - created < graceMs) continue;
      try {
        await client.deleteDevice(device.id);
        await this.rows.forgetDevice(device.id);
        removed.push({ id: device.id, hostname: device.hostname });
        this.log.info({ deviceId: device.id, hostname: device.hostname }, 'removed a stale Tailscale device');
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        this.log.warn(
          { deviceId: device.id, err: describe(error) },
          'could not remove a stale Tailscale device',
        );
      }
    }
    const live = await this.rows.liveInstanceIds();
    for (const { instanceId, keyId } of await this.rows.unrevokedKeysExcept(live)) {
      try {
        await this.revoke(client, instanceId, keyId);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        this.log.warn({ instanceId, err: describe(error) }, 'could not revoke a Tailscale auth key');
      }
    }
    return removed;
  }

  /**
   * The tailnet's policy file and ETag. Throws TailscaleNotConfiguredError, or the client's errors.
   */
  async policy(): Promise<TailscalePolicyResponse> {
    const client = await this.client();
    if (!client) throw new TailscaleNotConfiguredError();
    return client.getPolicy();
  }

  private isAgentOf(device: TailscaleDevice, instanceId: string): boolean {
    return (
      device.tags.includes(TAILSCALE_TAGS.agent) &&
      instanceIdOfHostname(device.hostname) === instanceId.toLowerCase()
    );
  }

  private async revoke(client: TailscaleClient, instanceId: string, keyId: string): Promise<void> {
    await client.deleteAuthKey(keyId);
    await this.rows.keyRevoked(instanceId, keyId);
  }

  /** Runs `work`; any failure is logged and recorded as a `warn` event of the instance, never thrown. */
  private async bestEffort(
    instanceId: string,
    kind: string,
    what: string,
    work: () => Promise<void>,
  ): Promise<void> {
    try {
      await work();
    } catch (error) {
      const message = `Tailscale: ${what} failed: ${describe(error)}`;
      this.log.warn({ instanceId, err: describe(error) }, message);
      await this.lifecycle.event(instanceId, 'warn', kind, message).catch((eventError: unknown) => {
        this.log.warn({ instanceId, err: describe(eventError) }, 'could not record the Tailscale event');
      });
    }
  }
}
