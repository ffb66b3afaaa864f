import type { AgentEvent, LogLine } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

export interface EventRow {
  id: number;
  source: 'hub' | 'agent';
  level: AgentEvent['level'];
  kind: string;
  message: string;
  data: Record<string, unknown> | null;
  at: Date;
}

export interface LogRow {
  id: number;
  stream: LogLine['stream'];
  at: Date;
  line: string;
}

/** What agents report: heartbeat facts, events, logs (their commands: AgentCommandsRepository). */
export class AgentActivityRepository {
  constructor(private readonly db: Queryable) {}

  /** `at`: when the hub received them, by the hub's clock (idle judgement ages facts from there). */
  async saveFacts(instanceId: string, facts: unknown, agentVersion: string, at: Date): Promise<void> {
    await this.db.query(
      `update instances set agent_facts = $2::jsonb, agent_version = $3, last_heartbeat_at = $4, updated_at = now()
        where id = $1`,
      [instanceId, JSON.stringify(facts), agentVersion, at],
    );
  }

  /** Stores the events; ones already stored (same agent-chosen id) are skipped. Returns how many were new. */
  async insertEvents(instanceId: string, events: AgentEvent[]): Promise<number> {
    let added = 0;
    for (const e of events) {
      const rows = await this.db.query(
        `insert into events (instance_id, source, level, kind, message, data, at, client_id)
         values ($1, 'agent', $2, $3, $4, $5::jsonb, $6, $7)
         on conflict (instance_id, client_id) where client_id is not null do nothing returning id`,
        [
          instanceId,
          e.level,
          e.kind,
          e.message,
          e.data === undefined ? null : JSON.stringify(e.data),
          e.at,
          e.id,
        ],
      );
      added += rows.length;
    }
    return added;
  }

  async insertLogs(instanceId: string, lines: LogLine[]): Promise<number> {
    const rows = await this.db.query(
      `insert into instance_logs (instance_id, stream, at, line)
       select $1, l.stream, l.at::timestamptz, l.line
         from jsonb_to_recordset($2::jsonb) as l(stream text, at text, line text)
       returning id`,
      [instanceId, JSON.stringify(lines)],
    );
    return rows.length;
  }

  async listEvents(instanceId: string, limit: number): Promise<EventRow[]> {
    return this.db.query<EventRow>(
      `select id, source, level, kind, message, data, at from events where instance_id = $1 order by at desc, id desc limit $2`,
      [instanceId, limit],
    );
  }

  async listLogs(instanceId: string, afterId: number, limit: number): Promise<LogRow[]> {
    return this.db.query<LogRow>(
      `select id, stream, at, line from instance_logs where instance_id = $1 and id > $2 order by id limit $3`,
      [instanceId, afterId, limit],
    );
  }
}
