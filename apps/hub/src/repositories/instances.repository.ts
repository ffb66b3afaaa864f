import { InstanceState, type StopReason } from '@podpilot/common';
import type { Queryable } from '../db/db.js';
import { moveState } from './transitions.js';

export interface InstanceRow {
  id: string;
  name: string;
  provider: string;
  providerInstanceId: string | null;
  state: InstanceState;
  stateReason: string | null;
  stopReason: StopReason | null;
  gpuName: string | null;
  gpuCount: number | null;
  pricePerHour: number | null;
  createdAt: Date;
  stateChangedAt: Date;
  /** What the provider last said (migration 019); null before the reconciler heard from it. */
  providerPhase: string | null;
  providerStatusMsg: string | null;
  providerStatusAt: Date | null;
  publicAddress: string | null;
  /** When the provider first reported the current rental running; null before, and after a stop. */
  providerRunningAt: Date | null;
  lastHeartbeatAt: Date | null;
}

/** The summary columns of `instances` under the table alias `t`. */
const columnsOf = (
  t: string,
) => `${t}.id, ${t}.name, ${t}.provider, ${t}.provider_instance_id as "providerInstanceId",
  ${t}.state, ${t}.state_reason as "stateReason", ${t}.stop_reason as "stopReason", ${t}.gpu_name as "gpuName", ${t}.gpu_count as "gpuCount",
  ${t}.price_per_hour as "pricePerHour", ${t}.created_at as "createdAt", ${t}.state_changed_at as "stateChangedAt",
  ${t}.provider_phase as "providerPhase", ${t}.provider_status_msg as "providerStatusMsg",
  ${t}.provider_status_at as "providerStatusAt", ${t}.public_address as "publicAddress",
  ${t}.provider_running_at as "providerRunningAt", ${t}.last_heartbeat_at as "lastHeartbeatAt"`;

export class InstancesRepository {
  constructor(private readonly db: Queryable) {}

  /** Every instance, newest first; only those of `ids` when given. */
  async list(ids?: readonly string[]): Promise<InstanceRow[]> {
    if (ids)
      return this.db.query<InstanceRow>(
        `select ${columnsOf('i')} from instances i where i.id = any($1::uuid[]) order by i.created_at desc`,
        [ids],
      );
    return this.db.query<InstanceRow>(`select ${columnsOf('i')} from instances i order by i.created_at desc`);
  }

  /** The database's clock (the `since` of a later `changedSince`). */
  async clock(): Promise<Date> {
    const [row] = await this.db.query<{ at: Date }>('select now() as at');
    return row?.at ?? new Date();
  }

  /**
   * The instances written (`updated_at`) after `since`, and the database's clock now: the next call's `since`.
   * Every write the dashboard shows sets `updated_at`.
   */
  async changedSince(since: Date): Promise<{ at: Date; ids: string[] }> {
    const [row] = await this.db.query<{ at: Date; ids: string[] }>(
      `select now() as at, coalesce(array(select id::text from instances where updated_at > $1), '{}') as ids`,
      [since],
    );
    return { at: row?.at ?? since, ids: row?.ids ?? [] };
  }
}

export interface InstanceAgentRow extends InstanceRow {
  agentFacts: Record<string, unknown> | null;
  agentVersion: string | null;
  profileName: string | null;
  profileVersion: number | null;
}

/** States an agent report may not move an instance out of: the hub is shutting it down. */
const HUB_OWNED_STATES: readonly InstanceState[] = ['stopping', 'stopped', 'destroyed', 'failed'];

export class InstanceAgentRepository {
  constructor(private readonly db: Queryable) {}

  async find(id: string): Promise<InstanceAgentRow | null> {
    const rows = await this.db.query<InstanceAgentRow>(
      `select ${columnsOf('i')}, i.agent_facts as "agentFacts", i.agent_version as "agentVersion",
              p.name as "profileName", v.version as "profileVersion"
         from instances i
         left join profile_versions v on v.id = i.profile_version_id
         left join profiles p on p.id = v.profile_id
        where i.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** The profile version the instance was launched from, or null. */
  async profileOf(
    id: string,
    q: Queryable = this.db,
  ): Promise<{ name: string; version: number; spec: unknown } | null> {
    const rows = await q.query<{ name: string; version: number; spec: unknown }>(
      `select p.name, v.version, v.spec from instances i
         join profile_versions v on v.id = i.profile_version_id join profiles p on p.id = v.profile_id
        where i.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * An agent's report moves the instance to `to` (moveState: the state machine decides), unless it is in a
   * state the hub owns (stopping and after) or in one of `keep`. Returns whether it moved. `known`: the
   * state the caller read just before (the agent's authentication), used instead of reading it again; a
   * move still checks the state it finds under its lock.
   */
  async transition(
    id: string,
    to: InstanceState,
    cause: string,
    reason: string | null = null,
    keep: readonly InstanceState[] = [],
    known?: InstanceState,
  ): Promise<boolean> {
    const from = InstanceState.options.filter((s) => !HUB_OWNED_STATES.includes(s) && !keep.includes(s));
    // A plain read first: nearly every call (one per heartbeat) finds the instance where it should be, and
    // moveState's locking update would write a row lock each time.
    const state = known ?? (await this.stateOf(id));
    if (!state || state === to || !from.includes(state)) return false;
    return (await moveState(this.db, id, to, cause, { from, reason })) !== null;
  }

  private async stateOf(id: string): Promise<InstanceState | null> {
    const [row] = await this.db.query<{ state: InstanceState }>('select state from instances where id = $1', [
      id,
    ]);
    return row?.state ?? null;
  }
}
