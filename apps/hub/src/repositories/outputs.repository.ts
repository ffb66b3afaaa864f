import type { OutputMetadata } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

export interface OutputRow {
  id: string;
  instanceId: string;
  instanceName: string;
  profile: string | null;
  path: string;
  version: number;
  sizeBytes: number;
  sha256: string;
  mtime: Date | null;
  storageKey: string;
  contentType: string | null;
  thumbnailKey: string | null;
  metadata: OutputMetadata | null;
  createdAt: Date;
  /** `created_at` with its microseconds, for cursors (a JS Date keeps only milliseconds). */
  createdAtExact: string;
}

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

export interface OutputFilter {
  instanceId?: string;
  profile?: string;
  since?: string;
  until?: string;
  path?: string;
  /** Lower-cased words; each must occur in `search_text`. */
  words?: string[];
  /** Rows strictly after this position in the newest-first order. */
  after?: { createdAt: string; id: string };
  limit: number;
}

const columns = `o.id, o.instance_id as "instanceId", i.name as "instanceName", p.name as profile, o.path, o.version,
  o.size_bytes as "sizeBytes", o.sha256, o.mtime, o.storage_key as "storageKey", o.content_type as "contentType",
  o.thumbnail_key as "thumbnailKey", o.metadata, o.created_at as "createdAt",
  to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "createdAtExact"`;

const from = `from outputs o
  join instances i on i.id = o.instance_id
  left join profile_versions v on v.id = i.profile_version_id
  left join profiles p on p.id = v.profile_id`;

const pendingColumns = `instance_id as "instanceId", path, sha256, size_bytes as "sizeBytes", version,
  storage_key as "storageKey", upload_id as "uploadId", part_size as "partSize"`;

/** The output index (`outputs`) and the uploads agents have under way (`pending_output_uploads`). */
export class OutputsRepository {
  constructor(private readonly db: Queryable) {}

  async find(id: string): Promise<OutputRow | null> {
    const rows = await this.db.query<OutputRow>(`select ${columns} ${from} where o.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async findVersion(instanceId: string, path: string, version: number): Promise<OutputRow | null> {
    const rows = await this.db.query<OutputRow>(
      `select ${columns} ${from} where o.instance_id = $1 and o.path = $2 and o.version = $3`,
      [instanceId, path, version],
    );
    return rows[0] ?? null;
  }

  /** Newest first by (created_at, id); `limit` rows at most. */
  async list(filter: OutputFilter): Promise<OutputRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.instanceId) where.push(`o.instance_id = ${param(filter.instanceId)}`);
    if (filter.profile) where.push(`p.name = ${param(filter.profile)}`);
    if (filter.since) where.push(`o.created_at >= ${param(filter.since)}::timestamptz`);
    if (filter.until) where.push(`o.created_at < ${param(filter.until)}::timestamptz`);
    // strpos rather than LIKE: no wildcard escaping, same answer on PGlite and PostgreSQL.
    if (filter.path) where.push(`strpos(lower(o.path), ${param(filter.path.toLowerCase())}) > 0`);
    for (const word of filter.words ?? [])
      where.push(`strpos(coalesce(o.search_text, lower(o.path)), ${param(word)}) > 0`);
    if (filter.after) {
      const at = param(filter.after.createdAt);
      const id = param(filter.after.id);
      where.push(
        `(o.created_at < ${at}::timestamptz or (o.created_at = ${at}::timestamptz and o.id < ${id}::uuid))`,
      );
    }
    return this.db.query<OutputRow>(
      `select ${columns} ${from} ${where.length ? `where ${where.join(' and ')}` : ''}
        order by o.created_at desc, o.id desc limit ${param(filter.limit)}`,
      params,
    );
  }

  /** The highest indexed version of the path, with its sha256, or null for a new path. */
  async latest(instanceId: string, path: string, q: Queryable = this.db) {
    const rows = await q.query<{ version: number; sha256: string }>(
      `select version, sha256 from outputs where instance_id = $1 and path = $2 order by version desc limit 1`,
      [instanceId, path],
    );
    return rows[0] ?? null;
  }

  /** Inserts the row unless (instance, path, version) is indexed already; returns the row at that place. */
  async insert(
    input: {
      instanceId: string;
      path: string;
      version: number;
      sizeBytes: number;
      sha256: string;
      mtime: string;
      storageKey: string;
      contentType: string | null;
      searchText: string;
    },
    q: Queryable = this.db,
  ): Promise<{ id: string; sha256: string; storageKey: string; inserted: boolean }> {
    const inserted = await q.query<{ id: string; sha256: string; storageKey: string }>(
      `insert into outputs (instance_id, path, version, size_bytes, sha256, mtime, storage_key, content_type, search_text)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (instance_id, path, version) do nothing
       returning id, sha256, storage_key as "storageKey"`,
      [
        input.instanceId,
        input.path,
        input.version,
        input.sizeBytes,
        input.sha256,
        input.mtime,
        input.storageKey,
        input.contentType,
        input.searchText,
      ],
    );
    if (inserted[0]) return { ...inserted[0], inserted: true };
    const existing = await q.query<{ id: string; sha256: string; storageKey: string }>(
      `select id, sha256, storage_key as "storageKey" from outputs where instance_id = $1 and path = $2 and version = $3`,
      [input.instanceId, input.path, input.version],
    );
    return { ...(existing[0] as { id: string; sha256: string; storageKey: string }), inserted: false };
  }

  /** Records what the hub read from the file: its thumbnail, embedded metadata and search text. */
  async setDerived(
    id: string,
    input: { thumbnailKey: string | null; metadata: OutputMetadata | null; searchText: string },
  ): Promise<void> {
    await this.db.query(
      `update outputs set thumbnail_key = coalesce($2, thumbnail_key), metadata = coalesce($3::jsonb, metadata),
              search_text = $4
        where id = $1`,
      [
        id,
        input.thumbnailKey,
        input.metadata === null ? null : JSON.stringify(input.metadata),
        input.searchText,
      ],
    );
  }

  /** Locks the instance row: version numbers of one instance are handed out one transaction at a time. */
  async lockInstance(instanceId: string, q: Queryable): Promise<boolean> {
    const rows = await q.query('select id from instances where id = $1 for update', [instanceId]);
    return rows.length === 1;
  }

  async findPending(instanceId: string, path: string, sha256: string, q: Queryable = this.db) {
    const rows = await q.query<PendingUpload>(
      `select ${pendingColumns} from pending_output_uploads where instance_id = $1 and path = $2 and sha256 = $3`,
      [instanceId, path, sha256],
    );
    return rows[0] ?? null;
  }

  async findPendingByKey(instanceId: string, storageKey: string): Promise<PendingUpload | null> {
    const rows = await this.db.query<PendingUpload>(
      `select ${pendingColumns} from pending_output_uploads where instance_id = $1 and storage_key = $2`,
      [instanceId, storageKey],
    );
    return rows[0] ?? null;
  }

  /** The highest version reserved by an unconfirmed upload of the path, or 0. */
  async maxPendingVersion(instanceId: string, path: string, q: Queryable): Promise<number> {
    const rows = await q.query<{ version: number | null }>(
      'select max(version) as version from pending_output_uploads where instance_id = $1 and path = $2',
      [instanceId, path],
    );
    return rows[0]?.version ?? 0;
  }

  async insertPending(
    input: {
      instanceId: string;
      path: string;
      sha256: string;
      sizeBytes: number;
      version: number;
      storageKey: string;
    },
    q: Queryable,
  ): Promise<void> {
    await q.query(
      `insert into pending_output_uploads (instance_id, path, sha256, size_bytes, version, storage_key)
       values ($1, $2, $3, $4, $5, $6)`,
      [input.instanceId, input.path, input.sha256, input.sizeBytes, input.version, input.storageKey],
    );
  }

  /** A reservation's size changed (the agent's second look differs): forget its multipart upload. */
  async resizePending(storageKey: string, sizeBytes: number, q: Queryable): Promise<void> {
    await q.query(
      `update pending_output_uploads set size_bytes = $2, upload_id = null, part_size = null, updated_at = now()
        where storage_key = $1`,
      [storageKey, sizeBytes],
    );
  }

  /**
   * Records the multipart upload of a reservation unless one is recorded already (`expected` is the upload id
   * the caller saw, null for none). Returns the upload id in force afterwards.
   */
  async setPendingUpload(
    storageKey: string,
    expected: string | null,
    upload: { uploadId: string | null; partSize: number | null },
  ): Promise<{ uploadId: string | null; partSize: number | null } | null> {
    const updated = await this.db.query<{ uploadId: string | null; partSize: number | null }>(
      `update pending_output_uploads set upload_id = $3, part_size = $4, updated_at = now()
        where storage_key = $1 and upload_id is not distinct from $2
        returning upload_id as "uploadId", part_size as "partSize"`,
      [storageKey, expected, upload.uploadId, upload.partSize],
    );
    if (updated[0]) return updated[0];
    const current = await this.db.query<{ uploadId: string | null; partSize: number | null }>(
      `select upload_id as "uploadId", part_size as "partSize" from pending_output_uploads where storage_key = $1`,
      [storageKey],
    );
    return current[0] ?? null;
  }

  async deletePending(storageKey: string, q: Queryable = this.db): Promise<void> {
    await q.query('delete from pending_output_uploads where storage_key = $1', [storageKey]);
  }

  /** Whether the instance exists. */
  async instanceExists(instanceId: string): Promise<boolean> {
    const rows = await this.db.query('select 1 from instances where id = $1', [instanceId]);
    return rows.length === 1;
  }

  /** The `sync` fact of the instance's latest heartbeat, as stored. */
  async reportedSync(instanceId: string): Promise<unknown> {
    const rows = await this.db.query<{ sync: unknown }>(
      `select agent_facts -> 'sync' as sync from instances where id = $1`,
      [instanceId],
    );
    return rows[0]?.sync ?? null;
  }
}
