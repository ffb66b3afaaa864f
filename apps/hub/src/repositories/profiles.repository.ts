import type { Profile } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

export interface ProfileRow {
  id: string;
  name: string;
  description: string | null;
  updatedAt: Date;
}

export interface ProfileVersionRow {
  version: number;
  origin: 'user' | 'snapshot' | 'import';
  contentSha256: string;
  snapshotOfInstanceId: string | null;
  createdAt: Date;
}

export interface ProfileVersionFull extends ProfileVersionRow {
  spec: Profile;
  yaml: string;
}

export interface ProfileListRow extends ProfileRow {
  latestVersion: number;
  versionCount: number;
  uiKind: string;
}

const versionColumns = `version, origin, content_sha256 as "contentSha256",
  snapshot_of_instance_id as "snapshotOfInstanceId", created_at as "createdAt"`;

/** Instance states that no longer hold on to a profile version. */
const FINISHED_STATES = `('destroyed', 'failed')`;

export class ProfilesRepository {
  constructor(private readonly db: Queryable) {}

  async findLive(name: string, q: Queryable = this.db): Promise<ProfileRow | null> {
    const rows = await q.query<ProfileRow>(
      `select id, name, description, updated_at as "updatedAt" from profiles where name = $1 and deleted_at is null`,
      [name],
    );
    return rows[0] ?? null;
  }

  /** The live profile of that name, created when missing; locked until the transaction ends. */
  async findOrCreateLocked(name: string, q: Queryable): Promise<ProfileRow> {
    await q.query(
      `insert into profiles (name) values ($1) on conflict (name) where deleted_at is null do nothing`,
      [name],
    );
    const rows = await q.query<ProfileRow>(
      `select id, name, description, updated_at as "updatedAt" from profiles
        where name = $1 and deleted_at is null for update`,
      [name],
    );
    return rows[0] as ProfileRow;
  }

  async latestVersion(profileId: string, q: Queryable = this.db): Promise<ProfileVersionRow | null> {
    const rows = await q.query<ProfileVersionRow>(
      `select ${versionColumns} from profile_versions where profile_id = $1 order by version desc limit 1`,
      [profileId],
    );
    return rows[0] ?? null;
  }

  async insertVersion(
    input: {
      profileId: string;
      version: number;
      spec: Profile;
      yaml: string;
      contentSha256: string;
      origin: ProfileVersionRow['origin'];
      snapshotOfInstanceId?: string | null;
    },
    q: Queryable,
  ): Promise<void> {
    await q.query(
      `insert into profile_versions (profile_id, version, spec, yaml, content_sha256, origin, snapshot_of_instance_id)
       values ($1, $2, $3::jsonb, $4, $5, $6, $7)`,
      [
        input.profileId,
        input.version,
        JSON.stringify(input.spec),
        input.yaml,
        input.contentSha256,
        input.origin,
        input.snapshotOfInstanceId ?? null,
      ],
    );
    await q.query('update profiles set description = $2, updated_at = now() where id = $1', [
      input.profileId,
      input.spec.description ?? null,
    ]);
  }

  async listLive(): Promise<ProfileListRow[]> {
    return this.db.query<ProfileListRow>(
      `select p.id, p.name, p.description, p.updated_at as "updatedAt",
              v.version as "latestVersion", v.spec -> 'ui' ->> 'kind' as "uiKind",
              (select count(*)::int from profile_versions c where c.profile_id = p.id) as "versionCount"
         from profiles p
         join lateral (select version, spec from profile_versions where profile_id = p.id
                        order by version desc limit 1) v on true
        where p.deleted_at is null
        order by p.name`,
    );
  }

  /** One version, or the latest when `version` is null. */
  async getVersion(profileId: string, version: number | null): Promise<ProfileVersionFull | null> {
    const rows = await this.db.query<ProfileVersionFull>(
      `select ${versionColumns}, spec, yaml from profile_versions
        where profile_id = $1 and ($2::int is null or version = $2::int)
        order by version desc limit 1`,
      [profileId, version],
    );
    return rows[0] ?? null;
  }

  async listVersions(profileId: string): Promise<ProfileVersionRow[]> {
    return this.db.query<ProfileVersionRow>(
      `select ${versionColumns} from profile_versions where profile_id = $1 order by version`,
      [profileId],
    );
  }

  /** Names of instances (not destroyed or failed) launched from any version of the profile. */
  async instancesUsing(profileId: string, q: Queryable = this.db): Promise<string[]> {
    const rows = await q.query<{ name: string }>(
      `select i.name from instances i join profile_versions v on v.id = i.profile_version_id
        where v.profile_id = $1 and i.state not in ${FINISHED_STATES} order by i.created_at`,
      [profileId],
    );
    return rows.map((r) => r.name);
  }

  async softDelete(profileId: string, q: Queryable): Promise<void> {
    await q.query('update profiles set deleted_at = now() where id = $1', [profileId]);
  }
}

/** A live profile's version to launch: the latest when `version` is null. */
export async function findProfileVersion(
  db: Queryable,
  name: string,
  version: number | null,
): Promise<{ id: string; name: string; version: number; spec: unknown } | null> {
  const rows = await db.query<{ id: string; name: string; version: number; spec: unknown }>(
    `select v.id, p.name, v.version, v.spec from profile_versions v join profiles p on p.id = v.profile_id
      where p.name = $1 and p.deleted_at is null and ($2::int is null or v.version = $2::int)
      order by v.version desc limit 1`,
    [name, version],
  );
  return rows[0] ?? null;
}
