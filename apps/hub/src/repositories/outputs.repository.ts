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
  /** The prompt as typed, cut short (see OutputSummary.prompt). */
  promptSummary: string | null;
  createdAt: Date;
  /** When it went to the trash; null while kept. */
  deletedAt: Date | null;
  /** `created_at` with its microseconds, for cursors (a JS Date keeps only milliseconds). */
  createdAtExact: string;
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
  /** true: only the trash; otherwise only kept outputs. */
  deleted?: boolean;
  limit: number;
}

/** The row's columns with `metadata` as given: all of it for one output, only the size in lists. */
const columnsWith = (metadata: string) => `o.id, o.instance_id as "instanceId", i.name as "instanceName",
  p.name as profile, o.path, o.version, o.size_bytes as "sizeBytes", o.sha256, o.mtime,
  o.storage_key as "storageKey", o.content_type as "contentType", o.thumbnail_key as "thumbnailKey",
  ${metadata} as metadata, o.prompt_summary as "promptSummary", o.created_at as "createdAt",
  o.deleted_at as "deletedAt",
  to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "createdAtExact"`;
const columns = columnsWith('o.metadata');
const listColumns = columnsWith(
  `case when o.metadata is null then null else jsonb_strip_nulls(jsonb_build_object(
     'width', o.metadata->'width', 'height', o.metadata->'height')) end`,
);

const from = `from outputs o
  join instances i on i.id = o.instance_id
  left join profile_versions v on v.id = i.profile_version_id
  left join profiles p on p.id = v.profile_id`;

/** The SQL conditions of `filter` (kept or trashed, the filters, the cursor) and their parameters. */
function whereOf(filter: OutputFilter) {
  const where: string[] = [filter.deleted ? 'o.deleted_at is not null' : 'o.deleted_at is null'];
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
  return { where, params, param };
}

/** The output index (`outputs`); the uploads under way are PendingOutputsRepository's. */
export class OutputsRepository {
  constructor(private readonly db: Queryable) {}

  /** One output with its instance's and profile's names, or null. */
  async find(id: string): Promise<OutputRow | null> {
    const rows = await this.db.query<OutputRow>(`select ${columns} ${from} where o.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Newest first by (created_at, id); `limit` rows at most. */
  async list(filter: OutputFilter): Promise<OutputRow[]> {
    const { where, params, param } = whereOf(filter);
    return this.db.query<OutputRow>(
      `select ${listColumns} ${from} ${where.length ? `where ${where.join(' and ')}` : ''}
        order by o.created_at desc, o.id desc limit ${param(filter.limit)}`,
      params,
    );
  }

  /** Moves the kept outputs among `ids` to the trash; returns how many moved. */
  async trash(ids: string[]): Promise<number> {
    const rows = await this.db.query(
      'update outputs set deleted_at = now() where id = any($1::uuid[]) and deleted_at is null returning id',
      [ids],
    );
    return rows.length;
  }

  /** Moves every kept output `filter` matches (at most `limit`) to the trash; returns how many moved. */
  async trashWhere(
    filter: Omit<OutputFilter, 'limit' | 'after' | 'deleted'>,
    limit: number,
  ): Promise<number> {
    const { where, params, param } = whereOf({ ...filter, limit });
    const rows = await this.db.query(
      `update outputs set deleted_at = now() where id in (
         select o.id ${from} where ${where.join(' and ')} order by o.created_at desc limit ${param(limit)})
       returning id`,
      params,
    );
    return rows.length;
  }

  /** Takes the outputs among `ids` that are in the trash back out; returns how many. */
  async restore(ids: string[]): Promise<number> {
    const rows = await this.db.query(
      'update outputs set deleted_at = null where id = any($1::uuid[]) and deleted_at is not null returning id',
      [ids],
    );
    return rows.length;
  }

  /** Trashed outputs deleted before `before`, oldest first: what the purge removes. */
  async expired(
    before: Date,
    limit: number,
  ): Promise<Pick<OutputRow, 'id' | 'storageKey' | 'thumbnailKey'>[]> {
    return this.db.query(
      `select id, storage_key as "storageKey", thumbnail_key as "thumbnailKey" from outputs
        where deleted_at < $1 order by deleted_at limit $2`,
      [before, limit],
    );
  }

  /** Removes the rows of purged outputs (their files are gone). */
  async removeRows(ids: string[]): Promise<void> {
    await this.db.query('delete from outputs where id = any($1::uuid[]) and deleted_at is not null', [ids]);
  }
  /**
   * Inserts the rows unless their (instance, path, version) is indexed already, in one statement; returns
   * the rows now at those places (inserted or found), with `inserted` telling which. (path, version) must be
   * distinct within `rows`.
   */
  async insertMany(
    instanceId: string,
    rows: readonly {
      path: string;
      version: number;
      sizeBytes: number;
      sha256: string;
      mtime: string;
      storageKey: string;
      contentType: string | null;
      searchText: string;
    }[],
    q: Queryable = this.db,
  ): Promise<{ path: string; version: number; id: string; sha256: string; inserted: boolean }[]> {
    if (!rows.length) return [];
    type Placed = { path: string; version: number; id: string; sha256: string };
    const inserted = await q.query<Placed>(
      // created_at steps a microsecond per row: "newest first" keeps the batch's order instead of a tie.
      `insert into outputs (instance_id, path, version, size_bytes, sha256, mtime, storage_key, content_type, search_text,
                            created_at)
       select $1, u.path, u.version, u.size_bytes, u.sha256, u.mtime, u.storage_key, u.content_type, u.search_text,
              now() + u.n * interval '1 microsecond'
         from unnest($2::text[], $3::int[], $4::int8[], $5::text[], $6::timestamptz[], $7::text[], $8::text[],
                     $9::text[]) with ordinality
           as u(path, version, size_bytes, sha256, mtime, storage_key, content_type, search_text, n)
       on conflict (instance_id, path, version) do nothing
       returning path, version, id, sha256`,
      [
        instanceId,
        rows.map((r) => r.path),
        rows.map((r) => r.version),
        rows.map((r) => r.sizeBytes),
        rows.map((r) => r.sha256),
        rows.map((r) => r.mtime),
        rows.map((r) => r.storageKey),
        rows.map((r) => r.contentType),
        rows.map((r) => r.searchText),
      ],
    );
    const placed = (p: { path: string; version: number }) => `${p.version}:${p.path}`;
    const byPlace = new Map(inserted.map((r) => [placed(r), { ...r, inserted: true }]));
    const missing = rows.filter((r) => !byPlace.has(placed(r)));
    if (missing.length) {
      const found = await this.findVersions(instanceId, missing, q);
      for (const r of found) byPlace.set(placed(r), { ...r, inserted: false });
    }
    return rows.map((r) => byPlace.get(placed(r)) as Placed & { inserted: boolean });
  }

  /** The indexed rows at these (path, version) places, in one query (in no particular order). */
  async findVersions(
    instanceId: string,
    places: readonly { path: string; version: number }[],
    q: Queryable = this.db,
  ): Promise<{ path: string; version: number; id: string; sha256: string }[]> {
    if (!places.length) return [];
    return q.query(
      `select path, version, id, sha256 from outputs
        where instance_id = $1 and (path, version) in (select * from unnest($2::text[], $3::int[]))`,
      [instanceId, places.map((p) => p.path), places.map((p) => p.version)],
    );
  }

  /** Images whose thumbnail and metadata were never made (the hub stopped first), oldest first. */
  async underived(contentTypes: string[], maxBytes: number, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `select id from outputs where metadata is null and content_type = any($1::text[]) and size_bytes <= $2
        order by created_at limit $3`,
      [contentTypes, maxBytes, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Records what the hub read from the file: its thumbnail, embedded metadata and search text. */
  async setDerived(
    id: string,
    input: {
      thumbnailKey: string | null;
      metadata: OutputMetadata | null;
      searchText: string;
      promptSummary: string | null;
    },
  ): Promise<void> {
    await this.db.query(
      `update outputs set thumbnail_key = coalesce($2, thumbnail_key), metadata = coalesce($3::jsonb, metadata),
              search_text = $4, prompt_summary = $5
        where id = $1`,
      [
        id,
        input.thumbnailKey,
        input.metadata === null ? null : JSON.stringify(input.metadata),
        input.searchText,
        input.promptSummary,
      ],
    );
  }

  /** Outputs derived before prompt summaries existed (settings read, no summary): their ids and settings. */
  async unsummarised(limit: number): Promise<{ id: string; metadata: OutputMetadata }[]> {
    return this.db.query(
      `select id, metadata from outputs
        where prompt_summary is null and (metadata ? 'parameters' or metadata ? 'prompt') limit $1`,
      [limit],
    );
  }

  /** Records the prompt summary alone ('' when the settings hold no prompt, so it is not looked at again). */
  async setPromptSummary(id: string, summary: string): Promise<void> {
    await this.db.query('update outputs set prompt_summary = $2 where id = $1', [id, summary]);
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

  /** Records hub warnings about the instance's outputs (`events`, source `hub`), in one statement. */
  async insertWarnings(
    instanceId: string,
    warnings: readonly { kind: string; message: string; data: unknown }[],
    q: Queryable = this.db,
  ): Promise<void> {
    if (!warnings.length) return;
    await q.query(
      `insert into events (instance_id, source, level, kind, message, data)
       select $1, 'hub', 'warn', w.kind, w.message, w.data
         from jsonb_to_recordset($2::jsonb) as w(kind text, message text, data jsonb)`,
      [instanceId, JSON.stringify(warnings)],
    );
  }
}
