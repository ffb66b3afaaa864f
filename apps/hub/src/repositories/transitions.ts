import type { InstanceState } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

/**
 * Records one state change of an instance with its cause and the price per hour in force from then on
 * (cost accounting reads both: a relaunch onto another offer changes the price mid-life).
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
