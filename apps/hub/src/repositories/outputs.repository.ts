import type { OutputMetadata } from '@podpilot/common';
import type { Queryable } from '../db/db.js';
import { columns, from, listColumns, type OutputFilter, type OutputRow, whereOf } from './outputs-sql.js';

export type { OutputFilter, OutputRow } from './outputs-sql.js';

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
