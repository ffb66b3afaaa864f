import { AgentCommand, type AgentCommandArgs, type AgentCommandKind } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

/** A stored command as the hub reads it back (who it is for, what it asks: `kind` with its typed `args`). */
export type AgentCommandRow = { instanceId: string } & AgentCommand;

/** A row as the database gives it; read through the protocol's schema, which types `args` by `kind`. */
interface StoredCommand {
  id: string;
  instanceId: string;
  kind: AgentCommandKind;
  args: unknown;
  createdAt: Date;
}

const asCommand = ({ id, kind, args, createdAt }: Omit<StoredCommand, 'instanceId'>): AgentCommand =>
  AgentCommand.parse({ id, kind, args, createdAt: createdAt.toISOString() });

/** The agent's acknowledgement of a command. */
export interface AgentCommandOutcome {
  ok: boolean;
  message: string | null;
}

/** `agent_commands`: commands queued for an instance's agent, their delivery and the agent's answers. */
export class AgentCommandsRepository {
  constructor(private readonly db: Queryable) {}

  /** Queues a command; returns its id. Not idempotent: each call queues one more. */
  async create<K extends AgentCommandKind>(
    instanceId: string,
    kind: K,
    args: AgentCommandArgs<K>,
  ): Promise<string> {
    const rows = await this.db.query<{ id: string }>(
      'insert into agent_commands (instance_id, kind, args) values ($1, $2, $3::jsonb) returning id',
      [instanceId, kind, args === null ? null : JSON.stringify(args)],
    );
    return (rows[0] as { id: string }).id;
  }

  /** Commands not yet acknowledged, oldest first; marks them delivered (the first delivery time is kept). */
  async pending(instanceId: string): Promise<AgentCommand[]> {
    const rows = await this.db.query<Omit<StoredCommand, 'instanceId'>>(
      `update agent_commands set delivered_at = coalesce(delivered_at, now())
        where instance_id = $1 and acknowledged_at is null
        returning id, kind, args, created_at as "createdAt"`,
      [instanceId],
    );
    return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).map(asCommand);
  }

  /** Records the agent's answers; a command of another instance is left alone. Idempotent (first time kept). */
  async acknowledge(
    instanceId: string,
    results: { id: string; ok: boolean; message?: string }[],
  ): Promise<void> {
    for (const r of results) {
      await this.db.query(
        `update agent_commands set acknowledged_at = coalesce(acknowledged_at, now()), result = $3::jsonb
          where id = $2 and instance_id = $1`,
        [instanceId, r.id, JSON.stringify({ ok: r.ok, message: r.message ?? null })],
      );
    }
  }

  /** The command, or null when there is none with that id. */
  async byId(commandId: string, q: Queryable = this.db): Promise<AgentCommandRow | null> {
    const rows = await q.query<StoredCommand>(
      `select id, instance_id as "instanceId", kind, args, created_at as "createdAt"
         from agent_commands where id = $1`,
      [commandId],
    );
    const row = rows[0];
    return row ? { instanceId: row.instanceId, ...asCommand(row) } : null;
  }

  /**
   * The agent's answer, or null while it has not acknowledged the command. With `instanceId`, a command of
   * another instance reads as unanswered.
   */
  async outcome(commandId: string, instanceId?: string): Promise<AgentCommandOutcome | null> {
    const rows = await this.db.query<{ result: { ok?: unknown; message?: unknown } | null }>(
      `select result from agent_commands
        where id = $1 and ($2::uuid is null or instance_id = $2) and acknowledged_at is not null`,
      [commandId, instanceId ?? null],
    );
    if (!rows[0]) return null;
    const result = rows[0].result;
    return { ok: result?.ok === true, message: typeof result?.message === 'string' ? result.message : null };
  }
}
