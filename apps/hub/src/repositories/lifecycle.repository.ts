import { type InstanceState, statesLeadingTo } from '@podpilot/common';
import type { Queryable } from '../db/db.js';
import { type DesiredState, type MoveOptions, moveState, recordTransition } from './transitions.js';

export type { DesiredState } from './transitions.js';

/** What the lifecycle service and the reconciler need of an instance row. */
export interface LifecycleRow {
  id: string;
  provider: string;
  providerInstanceId: string | null;
  state: InstanceState;
  desiredState: DesiredState | null;
  idempotencyKey: string | null;
  stateChangedAt: Date;
  createdAt: Date;
  /** What was rented (see LaunchOffer); null for rows made before it was recorded. */
  offer: LaunchOffer | null;
  launchSpec: { image: string; minCuda?: string; diskGb: number; ports?: number[] } | null;
  relaunchesLeft: number;
  relaunchesDone: number;
  /** Why a relaunch is under way while the old rental is destroyed; null otherwise. */
  relaunchPending: string | null;
  /** When it first became ready; null while it never was (the hub never destroys it on its own once set). */
  readyAt: Date | null;
  /** When the provider first reported the current rental running; null before, and after a stop. */
  providerRunningAt: Date | null;
}

/**
 * The offer an instance rents: its id and, when known, what it offered (the original offer's GPU and price,
 * which a relaunch matches) and the offer ids already tried (never rented again for this instance).
 */
export interface LaunchOffer {
  id: string;
  gpuName?: string | null;
  gpuCount?: number | null;
  pricePerHour?: number | null;
  tried?: string[];
}

const COLUMNS = `id, provider, provider_instance_id as "providerInstanceId", state, desired_state as "desiredState",
  idempotency_key as "idempotencyKey", state_changed_at as "stateChangedAt", created_at as "createdAt",
  offer, launch_spec as "launchSpec", relaunches_left as "relaunchesLeft", relaunches_done as "relaunchesDone",
  relaunch_pending as "relaunchPending", ready_at as "readyAt", provider_running_at as "providerRunningAt"`;

export interface NewInstance {
  name: string;
  provider: string;
  idempotencyKey: string;
  profileVersionId: string;
  offer: unknown;
  launchSpec: unknown;
  idlePolicy: unknown;
  relaunchesLeft: number;
}

/** Instance rows as the lifecycle moves them: every state change is recorded in `instance_transitions`. */
export class LifecycleRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Inserts a `requested` instance unless one with the same idempotency key exists. Returns the row and
   * whether it is new. The first transition (null → requested) is recorded with `cause`.
   */
  async insertRequested(input: NewInstance, cause: string): Promise<{ row: LifecycleRow; created: boolean }> {
    const inserted = await this.db.query<LifecycleRow>(
      `insert into instances (name, provider, idempotency_key, profile_version_id, offer, launch_spec, idle_policy,
                              state, desired_state, relaunches_left)
       values ($1, $2, $3, $4, $5, $6, $7, 'requested', 'running', $8)
       on conflict (idempotency_key) do nothing
       returning ${COLUMNS}`,
      [
        input.name,
        input.provider,
        input.idempotencyKey,
        input.profileVersionId,
        JSON.stringify(input.offer),
        JSON.stringify(input.launchSpec),
        JSON.stringify(input.idlePolicy),
        input.relaunchesLeft,
      ],
    );
    const row = inserted[0];
    if (row) {
      await this.record(row.id, null, 'requested', cause);
      return { row, created: true };
    }
    const existing = await this.db.query<LifecycleRow>(
      `select ${COLUMNS} from instances where idempotency_key = $1`,
      [input.idempotencyKey],
    );
    if (!existing[0]) throw new Error(`instance with idempotency key vanished during insert`);
    return { row: existing[0], created: false };
  }

  /**
   * The provider's current prices (a launch answer often lacks them; the provider's list has them): per
   * hour while running, and per hour of storage while stopped (unchanged when null).
   */
  async refreshPrice(
    id: string,
    pricePerHour: number | null,
    storagePerHour: number | null = null,
  ): Promise<void> {
    await this.db.query(
      `update instances set price_per_hour = coalesce($2, price_per_hour),
              storage_price_per_hour = coalesce($3, storage_price_per_hour), updated_at = now()
        where id = $1 and (price_per_hour is distinct from coalesce($2, price_per_hour)
                           or storage_price_per_hour is distinct from coalesce($3, storage_price_per_hour))`,
      [id, pricePerHour, storagePerHour],
    );
  }

  async findByIdempotencyKey(key: string): Promise<LifecycleRow | null> {
    const rows = await this.db.query<LifecycleRow>(
      `select ${COLUMNS} from instances where idempotency_key = $1`,
      [key],
    );
    return rows[0] ?? null;
  }

  async find(id: string): Promise<LifecycleRow | null> {
    const rows = await this.db.query<LifecycleRow>(`select ${COLUMNS} from instances where id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Rows of `provider` in any of `states`. */
  async listIn(provider: string, states: readonly InstanceState[]): Promise<LifecycleRow[]> {
    return this.db.query<LifecycleRow>(
      `select ${COLUMNS} from instances where provider = $1 and state = any($2::text[]) order by created_at`,
      [provider, states],
    );
  }

  /** Rows by id (those that exist). */
  async findMany(ids: readonly string[]): Promise<LifecycleRow[]> {
    if (ids.length === 0) return [];
    return this.db.query<LifecycleRow>(`select ${COLUMNS} from instances where id = any($1::uuid[])`, [ids]);
  }

  /** Moves the instance to `to` as the state machine allows (see moveState). Returns the state it left, or null. */
  move(
    id: string,
    to: InstanceState,
    cause: string,
    options: MoveOptions = {},
  ): Promise<InstanceState | null> {
    return moveState(this.db, id, to, cause, options);
  }

  /**
   * Whether the hub must keep the instance's disk: it has been ready, or it holds outputs not synced yet
   * (uploads under way, or a backlog in its agent's last heartbeat).
   */
  async keepsDisk(id: string): Promise<boolean> {
    const rows = await this.db.query<{ keep: boolean }>(
      `select i.ready_at is not null
              or coalesce((i.agent_facts->'sync'->>'backlogFiles')::int, 0) > 0
              or exists (select 1 from pending_output_uploads p where p.instance_id = i.id) as keep
         from instances i where i.id = $1`,
      [id],
    );
    return rows[0]?.keep ?? false;
  }

  /** Sets what the owner wants without a state change (e.g. destroy while already `stopping`). */
  async setDesired(id: string, desired: DesiredState): Promise<void> {
    await this.db.query('update instances set desired_state = $2, updated_at = now() where id = $1', [
      id,
      desired,
    ]);
  }

  /**
   * Records the provider's instance for a row that is still launching (or was requested). Returns false when
   * the row moved on meanwhile (failed, destroyed) or already holds another provider instance: the caller
   * must then destroy `providerInstanceId`, which nobody else will own.
   */
  async attachProviderInstance(
    id: string,
    providerInstanceId: string,
    facts: { pricePerHour: number | null; gpuName: string | null; gpuCount: number | null },
  ): Promise<boolean> {
    const rows = await this.db.query(
      `update instances set provider_instance_id = $2,
              price_per_hour = coalesce($3, price_per_hour), gpu_name = coalesce($4, gpu_name),
              gpu_count = coalesce($5, gpu_count), updated_at = now()
        where id = $1
          and (provider_instance_id = $2
               or (provider_instance_id is null and state not in ('destroyed', 'failed')))
        returning id`,
      [id, providerInstanceId, facts.pricePerHour, facts.gpuName, facts.gpuCount],
    );
    return rows.length > 0;
  }

  /**
   * Starts a relaunch of a rental that never ran: back to `launching` (a transition is recorded even from
   * `launching`), one relaunch used, `pending` kept until the old rental is gone, `offer` recorded. Only
   * when the row is in one of `from`, still holds `providerInstanceId` and has a relaunch left.
   */
  async startRelaunch(
    id: string,
    input: {
      from: readonly InstanceState[];
      providerInstanceId: string | null;
      pending: string | null;
      offer: LaunchOffer;
      cause: string;
    },
  ): Promise<boolean> {
    const allowed = statesLeadingTo('launching').filter((s) => input.from.includes(s));
    const rows = await this.db.query<{ from: InstanceState }>(
      `with old as (select state from instances where id = $1 for update)
       update instances i set state = 'launching', state_reason = null, state_changed_at = now(),
              updated_at = now(), provider_running_at = null, relaunches_left = i.relaunches_left - 1,
              relaunches_done = i.relaunches_done + 1, relaunch_pending = $4, offer = $5
         from old
        where i.id = $1 and old.state = any($2::text[]) and i.relaunches_left > 0
          and i.provider_instance_id is not distinct from $3
        returning old.state as "from"`,
      [id, allowed, input.providerInstanceId, input.pending, JSON.stringify(input.offer)],
    );
    const from = rows[0]?.from;
    if (!from) return false;
    await this.record(id, from, 'launching', input.cause);
    return true;
  }

  /**
   * The old rental of a pending relaunch is gone: forgets it so the replacement can be attached, and records
   * the offer about to be rented. False when the row moved on meanwhile.
   */
  async finishRelaunchDestroy(
    id: string,
    oldProviderInstanceId: string,
    offer: LaunchOffer,
  ): Promise<boolean> {
    const rows = await this.db.query(
      `update instances set provider_instance_id = null, relaunch_pending = null, offer = $3, updated_at = now()
        where id = $1 and state = 'launching' and relaunch_pending is not null and provider_instance_id = $2
        returning id`,
      [id, oldProviderInstanceId, JSON.stringify(offer)],
    );
    return rows.length > 0;
  }

  async transitions(id: string): Promise<{ from: string | null; to: string; cause: string; at: Date }[]> {
    return this.db.query(
      `select from_state as "from", to_state as "to", cause, at from instance_transitions
        where instance_id = $1 order by at, id`,
      [id],
    );
  }

  /** A hub event (optionally about no known instance, e.g. a leaked rental). */
  async event(
    instanceId: string | null,
    level: 'info' | 'warn' | 'error',
    kind: string,
    message: string,
    data: Record<string, unknown> | null = null,
  ): Promise<void> {
    await this.db.query(
      `insert into events (instance_id, source, level, kind, message, data) values ($1, 'hub', $2, $3, $4, $5)`,
      [instanceId, level, kind, message, data === null ? null : JSON.stringify(data)],
    );
  }

  private async record(
    id: string,
    from: InstanceState | null,
    to: InstanceState,
    cause: string,
  ): Promise<void> {
    await recordTransition(this.db, id, from, to, cause);
  }
}
