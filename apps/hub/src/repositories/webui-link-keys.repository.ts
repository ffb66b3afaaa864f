import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/db.js';

/** Bytes of a WebUI link key (HMAC-SHA256 takes 32). */
export const WEBUI_LINK_KEY_BYTES = 32;

/**
 * The per-instance keys of the one-time WebUI links: one per instance, made when its agent registers and
 * replaced when an agent registers again (a relaunch), so links signed for the old agent stop working.
 */
export class WebuiLinkKeys {
  constructor(private readonly db: Queryable) {}

  /** A new random key for the instance, replacing any earlier one. Not idempotent: each call makes another. */
  async renew(instanceId: string, q: Queryable = this.db): Promise<Buffer> {
    const key = randomBytes(WEBUI_LINK_KEY_BYTES);
    await q.query(
      `insert into webui_link_keys (instance_id, link_key) values ($1, $2)
       on conflict (instance_id) do update set link_key = excluded.link_key, created_at = now()`,
      [instanceId, key],
    );
    return key;
  }

  /** The instance's key, or null when no agent of it registered since keys exist. */
  async find(instanceId: string): Promise<Buffer | null> {
    const rows = await this.db.query<{ key: Uint8Array }>(
      `select link_key as key from webui_link_keys where instance_id = $1`,
      [instanceId],
    );
    const key = rows[0]?.key;
    return key ? Buffer.from(key) : null;
  }
}
