import type { SnapshotResult } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

export interface SnapshotCommandRow {
  instanceId: string;
  kind: string;
  args: Record<string, unknown> | null;
}

export interface StoredSnapshotRow {
  commandId: string | null;
  result: SnapshotResult;
  createdAt: Date;
}

/** Stored snapshot results per instance, and the commands that asked for them. */
export class SnapshotsRepository {
  constructor(private readonly db: Queryable) {}

  async instanceState(instanceId: string): Promise<string | null> {
    const rows = await this.db.query<{ state: string }>('select state from instances where id = $1', [
      instanceId,
    ]);
    return rows[0]?.state ?? null;
  }

  async command(commandId: string, q: Queryable = this.db): Promise<SnapshotCommandRow | null> {
    const rows = await q.query<SnapshotCommandRow>(
      `select instance_id as "instanceId", kind, args from agent_commands where id = $1`,
      [commandId],
    );
    return rows[0] ?? null;
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

  /** The last stored result of the instance (of one command when `commandId` is set). */
  async latest(instanceId: string, commandId: string | null = null): Promise<StoredSnapshotRow | null> {
    const rows = await this.db.query<StoredSnapshotRow>(
      `select command_id as "commandId", result, created_at as "createdAt" from instance_snapshots
        where instance_id = $1 and ($2::uuid is null or command_id = $2::uuid)
        order by created_at desc, id desc limit 1`,
      [instanceId, commandId],
    );
    return rows[0] ?? null;
  }
}
