import type { Queryable } from '../db/db.js';

/** An upload handed out and not yet confirmed (`pending_output_uploads`). */
export interface PendingUpload {
  instanceId: string;
  path: string;
  sha256: string;
  sizeBytes: number;
  version: number;
  storageKey: string;
  uploadId: string | null;
  partSize: number | null;
}

/** What a presign batch knows of one path: its latest indexed version and its highest reserved one. */
export interface PathVersions {
  latest: { version: number; sha256: string } | null;
  maxPending: number;
}

/** A multipart upload recorded on a reservation (both null when none is). */
export interface PendingMultipart {
  uploadId: string | null;
  partSize: number | null;
}

const pendingColumns = `instance_id as "instanceId", path, sha256, size_bytes as "sizeBytes", version,
  storage_key as "storageKey", upload_id as "uploadId", part_size as "partSize"`;

/**
 * The uploads agents have under way (`pending_output_uploads`): the versions reserved for files handed out
 * and not confirmed yet, with their multipart uploads.
 */
export class PendingOutputsRepository {
  constructor(private readonly db: Queryable) {}

  /** Locks the instance row: version numbers of one instance are handed out one transaction at a time. */
  async lockInstance(instanceId: string, q: Queryable): Promise<boolean> {
    const rows = await q.query('select id from instances where id = $1 for update', [instanceId]);
    return rows.length === 1;
  }

  /**
   * What a presign batch needs to know of each distinct path of `paths` (one query for the whole batch):
   * its highest indexed version with that version's sha256, and the highest version reserved by an
   * unconfirmed upload. Paths with neither are left out.
   */
  async versionsOf(
    instanceId: string,
    paths: readonly string[],
    q: Queryable = this.db,
  ): Promise<Map<string, PathVersions>> {
    const rows = await q.query<{
      path: string;
      latestVersion: number | null;
      latestSha256: string | null;
      maxPending: number | null;
    }>(
      `select w.path, l.version as "latestVersion", l.sha256 as "latestSha256", p.version as "maxPending"
         from (select distinct path from unnest($2::text[]) as u(path)) w
         left join lateral (
           select o.version, o.sha256 from outputs o
            where o.instance_id = $1 and o.path = w.path order by o.version desc limit 1) l on true
         left join lateral (
           select max(u.version) as version from pending_output_uploads u
            where u.instance_id = $1 and u.path = w.path) p on true
        where l.version is not null or p.version is not null`,
      [instanceId, paths],
    );
    return new Map(
      rows.map((r) => [
        r.path,
        {
          latest:
            r.latestVersion === null ? null : { version: r.latestVersion, sha256: r.latestSha256 as string },
          maxPending: r.maxPending ?? 0,
        },
      ]),
    );
  }

  /** The unconfirmed uploads of these (path, sha256) pairs (`paths[i]` with `sha256s[i]`), in one query. */
  async findMany(
    instanceId: string,
    paths: readonly string[],
    sha256s: readonly string[],
    q: Queryable = this.db,
  ): Promise<PendingUpload[]> {
    return q.query<PendingUpload>(
      `select ${pendingColumns} from pending_output_uploads
        where instance_id = $1
          and (path, sha256) in (select * from unnest($2::text[], $3::text[]))`,
      [instanceId, paths, sha256s],
    );
  }

  /** The instance's reservation stored under `storageKey`, or null. */
  async findByKey(instanceId: string, storageKey: string): Promise<PendingUpload | null> {
    const rows = await this.db.query<PendingUpload>(
      `select ${pendingColumns} from pending_output_uploads where instance_id = $1 and storage_key = $2`,
      [instanceId, storageKey],
    );
    return rows[0] ?? null;
  }

  /** The instance's reservations stored under these (staging) keys, in one query. */
  async findByKeys(instanceId: string, storageKeys: readonly string[]): Promise<PendingUpload[]> {
    return this.db.query<PendingUpload>(
      `select ${pendingColumns} from pending_output_uploads
        where instance_id = $1 and storage_key = any($2::text[])`,
      [instanceId, storageKeys],
    );
  }

  /** Reserves versions for uploads about to be handed out, in one statement. */
  async insertMany(
    instanceId: string,
    rows: readonly { path: string; sha256: string; sizeBytes: number; version: number; storageKey: string }[],
    q: Queryable,
  ): Promise<void> {
    if (!rows.length) return;
    await q.query(
      `insert into pending_output_uploads (instance_id, path, sha256, size_bytes, version, storage_key)
       select $1, * from unnest($2::text[], $3::text[], $4::int8[], $5::int[], $6::text[])`,
      [
        instanceId,
        rows.map((r) => r.path),
        rows.map((r) => r.sha256),
        rows.map((r) => r.sizeBytes),
        rows.map((r) => r.version),
        rows.map((r) => r.storageKey),
      ],
    );
  }

  /** Reservations whose size changed (the agent's second look differs): new sizes, multipart uploads forgotten. */
  async resizeMany(rows: readonly { storageKey: string; sizeBytes: number }[], q: Queryable): Promise<void> {
    if (!rows.length) return;
    await q.query(
      `update pending_output_uploads p set size_bytes = r.size_bytes, upload_id = null, part_size = null,
              updated_at = now()
         from unnest($1::text[], $2::int8[]) as r(storage_key, size_bytes)
        where p.storage_key = r.storage_key`,
      [rows.map((r) => r.storageKey), rows.map((r) => r.sizeBytes)],
    );
  }

  /**
   * Records the multipart upload of a reservation unless one is recorded already (`expected` is the upload id
   * the caller saw, null for none). Returns the upload id in force afterwards.
   */
  async setUpload(
    storageKey: string,
    expected: string | null,
    upload: PendingMultipart,
  ): Promise<PendingMultipart | null> {
    const updated = await this.db.query<PendingMultipart>(
      `update pending_output_uploads set upload_id = $3, part_size = $4, updated_at = now()
        where storage_key = $1 and upload_id is not distinct from $2
        returning upload_id as "uploadId", part_size as "partSize"`,
      [storageKey, expected, upload.uploadId, upload.partSize],
    );
    if (updated[0]) return updated[0];
    const current = await this.db.query<PendingMultipart>(
      `select upload_id as "uploadId", part_size as "partSize" from pending_output_uploads where storage_key = $1`,
      [storageKey],
    );
    return current[0] ?? null;
  }

  /** Forgets the reservations of confirmed files. */
  async deleteMany(storageKeys: readonly string[], q: Queryable = this.db): Promise<void> {
    if (!storageKeys.length) return;
    await q.query('delete from pending_output_uploads where storage_key = any($1::text[])', [storageKeys]);
  }
}
