import type { Queryable } from '../db/db.js';

/** A profile with one version; returns the version's id (for `instances.profile_version_id`). */
export async function insertProfile(db: Queryable, name: string): Promise<string> {
  const [version] = await db.query<{ id: string }>(
    `with p as (insert into profiles (name) values ($1) returning id)
     insert into profile_versions (profile_id, version, spec, yaml, content_sha256)
     select id, 1, '{}'::jsonb, '', repeat('0', 64) from p returning id`,
    [name],
  );
  return version?.id as string;
}

/** The id of the latest version of the (not deleted) profile `name`; throws when there is none. */
export async function latestProfileVersion(db: Queryable, name: string): Promise<string> {
  const [version] = await db.query<{ id: string }>(
    `select v.id from profile_versions v join profiles p on p.id = v.profile_id
      where p.name = $1 and p.deleted_at is null order by v.version desc limit 1`,
    [name],
  );
  if (!version) throw new Error(`profile ${name} not found`);
  return version.id;
}

export interface TestInstance {
  name: string;
  state: string;
  provider?: string;
  pricePerHour?: number | null;
  storagePricePerHour?: number | null;
  profileVersionId?: string | null;
  /** `[to_state, at (ISO), price_per_hour]`, in order. */
  transitions: [string, string, number | null][];
}

/** An `instances` row with explicit transitions (no lifecycle involved); returns its id. */
export async function insertInstance(db: Queryable, instance: TestInstance): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `insert into instances (name, provider, state, price_per_hour, storage_price_per_hour, profile_version_id)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [
      instance.name,
      instance.provider ?? 'vastai',
      instance.state,
      instance.pricePerHour ?? null,
      instance.storagePricePerHour ?? null,
      instance.profileVersionId ?? null,
    ],
  );
  const id = row?.id as string;
  let from: string | null = null;
  for (const [to, at, price] of instance.transitions) {
    await db.query(
      `insert into instance_transitions (instance_id, from_state, to_state, cause, at, price_per_hour)
       values ($1, $2, $3, 'test', $4, $5)`,
      [id, from, to, at, price],
    );
    from = to;
  }
  return id;
}
