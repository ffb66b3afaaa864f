import type { Queryable } from '../db/db.js';

/** What the hub knows of an instance's place in the tailnet. */
export interface InstanceTailscaleRow {
  instanceId: string;
  hostname: string;
  keyId: string | null;
  keyExpiresAt: Date | null;
  keyRevokedAt: Date | null;
  deviceId: string | null;
  /** The device's MagicDNS name (`podpilot-<id>.<tailnet>.ts.net`), once known. */
  deviceName: string | null;
}

const COLUMNS = `instance_id as "instanceId", hostname, key_id as "keyId", key_expires_at as "keyExpiresAt",
  key_revoked_at as "keyRevokedAt", device_id as "deviceId", device_name as "deviceName"`;

/** States in which an instance has no agent that should be in the tailnet. */
const ENDED_STATES = ['stopped', 'destroyed', 'failed'];

/**
 * States in which an instance's tailnet device is gone for good: its rental (and the disk that held
 * tailscaled's state) is destroyed, or it never became ready (a relaunch rents a new container). A
 * stopped instance keeps its device: its container rejoins with the kept state when it starts again.
 */
const DEVICE_GONE_STATES = ['destroyed', 'failed'];

/** The `instance_tailscale` table (migration 009): key ids and device ids, never key texts. */
export class TailscaleRepository {
  constructor(private readonly db: Queryable) {}

  async find(instanceId: string): Promise<InstanceTailscaleRow | null> {
    const rows = await this.db.query<InstanceTailscaleRow>(
      `select ${COLUMNS} from instance_tailscale where instance_id = $1`,
      [instanceId],
    );
    return rows[0] ?? null;
  }

  /** Records the key minted for the instance's launch (replacing an earlier one) and its hostname. */
  async recordKey(instanceId: string, key: { id: string; expiresAt: Date | null; hostname: string }) {
    await this.db.query(
      `insert into instance_tailscale (instance_id, hostname, key_id, key_expires_at)
       values ($1, $2, $3, $4)
       on conflict (instance_id) do update
         set hostname = excluded.hostname, key_id = excluded.key_id, key_expires_at = excluded.key_expires_at,
             key_revoked_at = null, updated_at = now()`,
      [instanceId, key.hostname, key.id, key.expiresAt],
    );
  }

  /** Marks the key revoked, unless another key was recorded since. */
  async keyRevoked(instanceId: string, keyId: string): Promise<void> {
    await this.db.query(
      `update instance_tailscale set key_revoked_at = now(), updated_at = now()
        where instance_id = $1 and key_id = $2 and key_revoked_at is null`,
      [instanceId, keyId],
    );
  }

  /** Records the agent's device and its MagicDNS name (kept when `name` is not given). */
  async setDevice(instanceId: string, deviceId: string | null, name?: string): Promise<void> {
    await this.db.query(
      `update instance_tailscale set device_id = $2, device_name = coalesce($3, device_name), updated_at = now()
        where instance_id = $1 and (device_id is distinct from $2 or device_name is distinct from coalesce($3, device_name))`,
      [instanceId, deviceId, name ?? null],
    );
  }

  /** Forgets a device id wherever it is recorded (the device is gone from the tailnet). */
  async forgetDevice(deviceId: string): Promise<void> {
    await this.db.query(
      `update instance_tailscale set device_id = null, updated_at = now() where device_id = $1`,
      [deviceId],
    );
  }

  /** Ids of instances whose agent may be in the tailnet (neither stopped, destroyed nor failed). */
  async liveInstanceIds(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `select id from instances where state <> all($1::text[])`,
      [ENDED_STATES],
    );
    return rows.map((row) => row.id);
  }

  /** Ids of instances whose agent's device stays in the tailnet (neither destroyed nor failed). */
  async deviceKeptInstanceIds(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `select id from instances where state <> all($1::text[])`,
      [DEVICE_GONE_STATES],
    );
    return rows.map((row) => row.id);
  }

  /** Keys not yet revoked of instances that are not in `liveIds` (a revoke that failed earlier). */
  async unrevokedKeysExcept(liveIds: readonly string[]): Promise<{ instanceId: string; keyId: string }[]> {
    return this.db.query<{ instanceId: string; keyId: string }>(
      `select instance_id as "instanceId", key_id as "keyId" from instance_tailscale
        where key_id is not null and key_revoked_at is null and instance_id::text <> all($1::text[])
        order by instance_id`,
      [liveIds],
    );
  }
}
