// The SQL the output repositories share: the row's columns, its joins, and the list filter's conditions.
import type { OutputMetadata } from '@podpilot/common';

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
export const columnsWith = (
  metadata: string,
) => `o.id, o.instance_id as "instanceId", i.name as "instanceName",
  p.name as profile, o.path, o.version, o.size_bytes as "sizeBytes", o.sha256, o.mtime,
  o.storage_key as "storageKey", o.content_type as "contentType", o.thumbnail_key as "thumbnailKey",
  ${metadata} as metadata, o.prompt_summary as "promptSummary", o.created_at as "createdAt",
  o.deleted_at as "deletedAt",
  to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "createdAtExact"`;
export const columns = columnsWith('o.metadata');
export const listColumns = columnsWith(
  `case when o.metadata is null then null else jsonb_strip_nulls(jsonb_build_object(
     'width', o.metadata->'width', 'height', o.metadata->'height')) end`,
);

export const from = `from outputs o
  join instances i on i.id = o.instance_id
  left join profile_versions v on v.id = i.profile_version_id
  left join profiles p on p.id = v.profile_id`;

/** The SQL conditions of `filter` (kept or trashed, the filters, the cursor) and their parameters. */
export function whereOf(filter: OutputFilter) {
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
