import type { SnapshotResult } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

/** A model a snapshot asked the instance's agent to upload (see migration 011). */
export interface SnapshotUploadGrant {
  sha256: string;
  sizeBytes: number;
  name: string;
  kind: string;
  fileName: string;
  path: string;
}

export interface StoredSnapshotRow {
  commandId: string | null;
  result: SnapshotResult;
  createdAt: Date;
}

/** Stored snapshot results per instance (the commands that asked for them: AgentCommandsRepository). */
export class SnapshotsRepository {
  constructor(private readonly db: Queryable) {}

  async instanceState(instanceId: string): Promise<string | null> {
    const rows = await this.db.query<{ state: string }>('select state from instances where id = $1', [
      instanceId,
    ]);
    return rows[0]?.state ?? null;
  }

  async versionId(profileId: string, version: number, q: Queryable = this.db): Promise<string | null> {
    const rows = await q.query<{ id: string }>(
      'select id from profile_versions where profile_id = $1 and version = $2',
      [profileId, version],
    );
    return rows[0]?.id ?? null;
  }

  async insert(
    input: {
      instanceId: string;
      commandId: string;
      profileVersionId: string | null;
      result: SnapshotResult;
    },
    q: Queryable = this.db,
  ): Promise<void> {
    await q.query(
      `insert into instance_snapshots (instance_id, command_id, profile_version_id, result)
       values ($1, $2, $3, $4::jsonb)`,
      [input.instanceId, input.commandId, input.profileVersionId, JSON.stringify(input.result)],
    );
  }

  async byCommand(commandId: string, q: Queryable = this.db): Promise<StoredSnapshotRow | null> {
    const rows = await q.query<StoredSnapshotRow>(
      `select command_id as "commandId", result, created_at as "createdAt"
         from instance_snapshots where command_id = $1`,
      [commandId],
    );
    return rows[0] ?? null;
  }

  /** The stored results of the instance, newest first (of one command when `commandId` is set). */
  async list(instanceId: string, commandId: string | null, limit: number): Promise<StoredSnapshotRow[]> {
    return this.db.query<StoredSnapshotRow>(
      `select command_id as "commandId", result, created_at as "createdAt" from instance_snapshots
        where instance_id = $1 and ($2::uuid is null or command_id = $2::uuid)
        order by created_at desc, id desc limit $3`,
      [instanceId, commandId, limit],
    );
  }

  /** Lets the instance's agent upload these models (idempotent: a second grant of a sha256 updates it). */
  async grantUploads(
    instanceId: string,
    commandId: string,
    grants: SnapshotUploadGrant[],
    q: Queryable = this.db,
  ): Promise<void> {
    for (const g of grants) {
      await q.query(
        `insert into snapshot_model_uploads (instance_id, sha256, size_bytes, name, kind, file_name, path, command_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (instance_id, sha256) do update set size_bytes = excluded.size_bytes, name = excluded.name,
           kind = excluded.kind, file_name = excluded.file_name, path = excluded.path,
           command_id = excluded.command_id`,
        [instanceId, g.sha256, g.sizeBytes, g.name, g.kind, g.fileName, g.path, commandId],
      );
    }
  }

  /** The grant of `sha256` to the instance, or null. */
  async uploadGrant(instanceId: string, sha256: string): Promise<SnapshotUploadGrant | null> {
    const rows = await this.db.query<SnapshotUploadGrant & { sizeBytes: string | number }>(
      `select sha256, size_bytes as "sizeBytes", name, kind, file_name as "fileName", path
         from snapshot_model_uploads where instance_id = $1 and sha256 = $2`,
      [instanceId, sha256],
    );
    const row = rows[0];
    return row ? { ...row, sizeBytes: Number(row.sizeBytes) } : null;
  }
}
