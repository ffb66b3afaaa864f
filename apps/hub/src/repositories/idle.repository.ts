import type { ActivityFacts, IdlePolicyOverride, InstanceState } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

/** What idle stopping needs of an instance row. */
export interface IdleRow {
  id: string;
  name: string;
  state: InstanceState;
  /** The profile's `idle:` as launched (minutes, action); null for rows made before it was recorded. */
  profilePolicy: { minutes?: number; action?: 'stop' | 'destroy' } | null;
  override: IdlePolicyOverride | null;
  keepAwakeUntil: Date | null;
  lastActivityAt: Date | null;
  warnedAt: Date | null;
  actionAt: Date | null;
  facts: { activity?: ActivityFacts } | null;
  lastHeartbeatAt: Date | null;
}

const COLUMNS = `id, name, state, idle_policy as "profilePolicy", idle_override as "override",
  keep_awake_until as "keepAwakeUntil", last_activity_at as "lastActivityAt", idle_warned_at as "warnedAt",
  idle_action_at as "actionAt", agent_facts as "facts", last_heartbeat_at as "lastHeartbeatAt"`;

/**
 * The idle bookkeeping on `instances`: last activity, the warning and the action already taken. The claims
 * (`claimWarning`, `claimAction`) are conditional updates, so several hubs sharing the database never warn
 * or stop an instance twice.
 */
export class IdleRepository {
  constructor(private readonly db: Queryable) {}

  async find(id: string): Promise<IdleRow | null> {
    const rows = await this.db.query<IdleRow>(`select ${COLUMNS} from instances where id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Every instance (the live feed reads their activity and agent facts). */
  /** Every instance's row; only those of `ids` when given. */
  async listAll(ids?: readonly string[]): Promise<IdleRow[]> {
    if (ids)
      return this.db.query<IdleRow>(`select ${COLUMNS} from instances where id = any($1::uuid[])`, [ids]);
    return this.db.query<IdleRow>(`select ${COLUMNS} from instances`);
  }

  async listIn(states: readonly InstanceState[]): Promise<IdleRow[]> {
    return this.db.query<IdleRow>(`select ${COLUMNS} from instances where state = any($1::text[])`, [states]);
  }

  async setLastActivity(id: string, at: Date): Promise<void> {
    await this.db.query('update instances set last_activity_at = $2, updated_at = now() where id = $1', [
      id,
      at,
    ]);
  }

  /** A fresh start (booting, provisioning): the idle clock restarts and earlier warnings and actions are void. */
  async restartClock(id: string, at: Date): Promise<void> {
    await this.db.query(
      `update instances set last_activity_at = $2, idle_warned_at = null, idle_action_at = null, updated_at = now()
        where id = $1 and (last_activity_at is null or last_activity_at < $2
              or idle_warned_at is not null or idle_action_at is not null)`,
      [id, at],
    );
  }

  /** True for the one caller that records the warning. */
  async claimWarning(id: string, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      'update instances set idle_warned_at = $2, updated_at = now() where id = $1 and idle_warned_at is null returning id',
      [id, at],
    );
    return rows.length > 0;
  }

  /** Activity came back after a warning: the warning no longer holds. True when one was cleared. */
  async clearWarning(id: string): Promise<boolean> {
    const rows = await this.db.query(
      `update instances set idle_warned_at = null, updated_at = now()
        where id = $1 and idle_warned_at is not null and idle_action_at is null returning id`,
      [id],
    );
    return rows.length > 0;
  }

  /** True for the one caller that may stop the instance (idle or budget); later callers get false. */
  async claimAction(id: string, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      'update instances set idle_action_at = $2, updated_at = now() where id = $1 and idle_action_at is null returning id',
      [id, at],
    );
    return rows.length > 0;
  }

  async setKeepAwake(id: string, until: Date | null): Promise<void> {
    await this.db.query(
      'update instances set keep_awake_until = $2, idle_warned_at = null, updated_at = now() where id = $1',
      [id, until],
    );
  }

  async setOverride(id: string, override: IdlePolicyOverride | null): Promise<void> {
    await this.db.query(
      'update instances set idle_override = $2::jsonb, idle_warned_at = null, updated_at = now() where id = $1',
      [id, override === null ? null : JSON.stringify(override)],
    );
  }
}
