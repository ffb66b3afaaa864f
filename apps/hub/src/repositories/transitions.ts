import { type InstanceState, type StopReason, statesLeadingTo } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

export type DesiredState = 'running' | 'stopped' | 'destroyed';

export interface MoveOptions {
  /** Only from these states; always narrowed to what INSTANCE_TRANSITIONS allows. Default: all it allows. */
  from?: readonly InstanceState[];
  /** The state's message (`state_reason`); none clears it, except `stopping → stopped` keeps the stop's. */
  reason?: string | null;
  /** What the owner now wants; unchanged when omitted. */
  desired?: DesiredState;
  /** Who or what stops it (on the way to `stopping`/`stopped`; kept from `stopping` when omitted). */
  stopReason?: StopReason;
}

/**
 * The one place an instance's state changes: moves it to `to` when its current state may go there (the
 * common state machine, narrowed by `options.from`), records the transition with its cause and the price in
 * force, and keeps the columns that follow the state (stop reason, first ready, provider running since).
 * Never records a change that did not happen (already in `to`, or not allowed). Returns the state it moved
 * from, or null. Locks the row for the update; safe to call concurrently.
 */
export async function moveState(
  db: Queryable,
  id: string,
  to: InstanceState,
  cause: string,
  options: MoveOptions = {},
): Promise<InstanceState | null> {
  const allowed = statesLeadingTo(to).filter((s) => s !== to && (!options.from || options.from.includes(s)));
  if (allowed.length === 0) return null;
  const rows = await db.query<{ from: InstanceState }>(
    `with old as (select state from instances where id = $1 for update)
     update instances i set state = $2, state_changed_at = now(), updated_at = now(),
            state_reason = case when $2 = 'stopped' and old.state = 'stopping' then coalesce($3, i.state_reason)
                                else $3 end,
            desired_state = coalesce($5, i.desired_state),
            stop_reason = case when $2 = 'stopping' then $6
                               when $2 = 'stopped' then coalesce($6, i.stop_reason) end,
            ready_at = case when $2 in ('ready', 'idle') then coalesce(i.ready_at, now()) else i.ready_at end,
            provider_running_at = case when $2 in ('launching', 'stopping', 'stopped', 'destroyed', 'failed')
                                       then null else i.provider_running_at end
       from old
      where i.id = $1 and old.state = any($4::text[])
      returning old.state as "from"`,
    [id, to, options.reason ?? null, allowed, options.desired ?? null, options.stopReason ?? null],
  );
  const from = rows[0]?.from;
  if (!from) return null;
  await recordTransition(db, id, from, to, cause);
  return from;
}

/**
 * Records one state change of an instance with its cause and the price per hour in force from then on
 * (cost accounting reads both: a relaunch onto another offer changes the price mid-life). Only for changes
 * made by moveState or a method that checks the state machine the same way.
 */
export async function recordTransition(
  db: Queryable,
  id: string,
  from: InstanceState | null,
  to: InstanceState,
  cause: string,
): Promise<void> {
  await db.query(
    `insert into instance_transitions (instance_id, from_state, to_state, cause, price_per_hour)
     select $1, $2, $3, $4, price_per_hour from instances where id = $1`,
    [id, from, to, cause],
  );
}
