import type { Queryable } from '../db/db.js';

/** One transition of an instance with the instance's facts repeated on each row. */
export interface CostTransitionRow {
  instanceId: string;
  name: string;
  provider: string;
  profile: string | null;
  state: string;
  /** The instance's current GPU price. */
  instancePricePerHour: number | null;
  storagePricePerHour: number | null;
  toState: string;
  at: Date;
  /** The GPU price recorded with the transition. */
  pricePerHour: number | null;
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

const SELECT_ROWS = `
  select i.id as "instanceId", i.name, i.provider, p.name as profile, i.state,
         i.price_per_hour as "instancePricePerHour", i.storage_price_per_hour as "storagePricePerHour",
         tr.to_state as "toState", tr.at, tr.price_per_hour as "pricePerHour"
    from instance_transitions tr
    join instances i on i.id = tr.instance_id
    left join profile_versions v on v.id = i.profile_version_id
    left join profiles p on p.id = v.profile_id`;

/**
 * Reads for cost accounting (`instance_transitions` joined with `instances` and the profile name) and the
 * budget settings (`settings` keys `budgets` and `budget-warned-month`). Numeric columns are converted to
 * numbers here whatever the driver hands back. Every method throws only the driver's errors.
 */
export class CostsRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Every transition, in time order per instance, of the instances that spent part of `[from, to)` in one of
   * `states` (the interval from a transition to the next, the last one open-ended). Read-only.
   */
  async transitionsOverlapping(
    from: Date,
    to: Date,
    states: readonly string[],
  ): Promise<CostTransitionRow[]> {
    const rows = await this.db.query<CostTransitionRow>(
      `with spans as (
         select instance_id, to_state, at, lead(at) over (partition by instance_id order by at, id) as next_at
           from instance_transitions
       ), touched as (
         select distinct instance_id from spans
          where at < $2 and (next_at is null or next_at > $1) and to_state = any($3::text[])
       )
       ${SELECT_ROWS}
       where tr.instance_id in (select instance_id from touched)
       order by i.id, tr.at, tr.id`,
      [from, to, [...states]],
    );
    return rows.map(convert);
  }

  /** Every transition, in time order per instance, of the given instances (all instances when left out). */
  async transitionsOf(ids?: readonly string[]): Promise<CostTransitionRow[]> {
    const rows = await this.db.query<CostTransitionRow>(
      `${SELECT_ROWS}
       where $1::uuid[] is null or tr.instance_id = any($1::uuid[])
       order by i.id, tr.at, tr.id`,
      [ids ? [...ids] : null],
    );
    return rows.map(convert);
  }

  /** Ids and names of the instances in one of `states`. Read-only. */
  async instancesIn(states: readonly string[]): Promise<{ id: string; name: string }[]> {
    return this.db.query(`select id, name from instances where state = any($1::text[]) order by created_at`, [
      [...states],
    ]);
  }

  /** The JSON value of a settings key, or undefined when it was never set. */
  async getSetting(key: string): Promise<unknown> {
    const rows = await this.db.query<{ value: unknown }>('select value from settings where key = $1', [key]);
    return rows[0]?.value;
  }

  /** Sets a settings key (insert or replace). Idempotent. */
  async putSetting(key: string, value: unknown): Promise<void> {
    await this.db.query(
      `insert into settings (key, value) values ($1, $2::jsonb)
       on conflict (key) do update set value = excluded.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  }

  /**
   * Sets `key` to `value` unless it already holds that value, in one statement: true for exactly one of
   * several callers racing with the same value (several hubs never warn twice).
   */
  async claimSetting(key: string, value: unknown): Promise<boolean> {
    const rows = await this.db.query(
      `insert into settings (key, value) values ($1, $2::jsonb)
       on conflict (key) do update set value = excluded.value, updated_at = now()
         where settings.value is distinct from excluded.value
       returning key`,
      [key, JSON.stringify(value)],
    );
    return rows.length > 0;
  }
}

function convert(row: CostTransitionRow): CostTransitionRow {
  return {
    ...row,
    instancePricePerHour: num(row.instancePricePerHour),
    storagePricePerHour: num(row.storagePricePerHour),
    pricePerHour: num(row.pricePerHour),
    at: new Date(row.at),
  };
}
