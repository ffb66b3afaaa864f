import type { ModelKind, ModelStatus } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

export interface ModelRow {
  sha256: string;
  name: string;
  kind: ModelKind;
  sizeBytes: number | null;
  fileName: string | null;
  status: ModelStatus;
  statusReason: string | null;
  storageKey: string | null;
  sourceUrl: string | null;
  uploadId: string | null;
  partSize: number | null;
  createdAt: Date;
}

export interface ModelWithUsage extends ModelRow {
  usedBy: { profile: string; version: number }[];
}

const columns = `m.sha256, m.name, m.kind, m.size_bytes as "sizeBytes", m.file_name as "fileName", m.status,
  m.status_reason as "statusReason", m.storage_key as "storageKey", m.source_url as "sourceUrl",
  m.upload_id as "uploadId", m.part_size as "partSize", m.created_at as "createdAt"`;

/** Versions of live profiles whose spec lists the model (uses the GIN index on spec -> 'models'). */
const usage = `coalesce((
  select json_agg(json_build_object('profile', p.name, 'version', v.version) order by p.name, v.version)
    from profile_versions v join profiles p on p.id = v.profile_id and p.deleted_at is null
   where v.spec -> 'models' @> jsonb_build_array(jsonb_build_object('sha256', m.sha256))
), '[]'::json) as "usedBy"`;

export class ModelsRepository {
  constructor(private readonly db: Queryable) {}

  async find(sha256: string, q: Queryable = this.db): Promise<ModelWithUsage | null> {
    const rows = await q.query<ModelWithUsage>(
      `select ${columns}, ${usage} from models m where m.sha256 = $1`,
      [sha256],
    );
    return rows[0] ?? null;
  }

  async list(): Promise<ModelWithUsage[]> {
    return this.db.query<ModelWithUsage>(
      `select ${columns}, ${usage} from models m order by m.created_at desc, m.name`,
    );
  }

  /** Inserts the model unless its sha256 is known; true when this call inserted it. */
  async insert(input: {
    sha256: string;
    name: string;
    kind: ModelKind;
    sizeBytes: number | null;
    fileName: string | null;
    status: ModelStatus;
    storageKey: string | null;
    sourceUrl: string | null;
  }): Promise<boolean> {
    const rows = await this.db.query(
      `insert into models (sha256, name, kind, size_bytes, file_name, status, storage_key, source_url)
       values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (sha256) do nothing returning sha256`,
      [
        input.sha256,
        input.name,
        input.kind,
        input.sizeBytes,
        input.fileName,
        input.status,
        input.storageKey,
        input.sourceUrl,
      ],
    );
    return rows.length === 1;
  }

  /** Records the multipart upload under way for the model (status `uploading`). */
  async setUploading(
    sha256: string,
    input: {
      /** Both null for a push sent as one PUT. */
      uploadId: string | null;
      partSize: number | null;
      sizeBytes: number;
      storageKey: string;
      name: string;
      fileName: string | null;
    },
  ): Promise<void> {
    await this.db.query(
      `update models set status = 'uploading', status_reason = null, upload_id = $2, part_size = $3, size_bytes = $4,
              storage_key = $5, name = $6, file_name = coalesce($7, file_name), updated_at = now()
        where sha256 = $1`,
      [sha256, input.uploadId, input.partSize, input.sizeBytes, input.storageKey, input.name, input.fileName],
    );
  }

  async setStatus(sha256: string, status: ModelStatus, reason: string | null = null): Promise<void> {
    await this.db.query(
      `update models set status = $2, status_reason = $3, upload_id = case when $2 = 'uploading' then upload_id end,
              verified_at = case when $2 = 'available' then now() else verified_at end, updated_at = now()
        where sha256 = $1`,
      [sha256, status, reason],
    );
  }

  async delete(sha256: string): Promise<void> {
    await this.db.query('delete from models where sha256 = $1', [sha256]);
  }
}
