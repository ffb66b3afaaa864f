import { type AgentEvent, type LogLevel, type LogLine, type LogSource, levelsFrom } from '@podpilot/common';
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
  level: LogLevel | null;
}

/** Which log lines: after a line id, of one source, at a minimum level, written since a time. */
export interface LogFilter {
  after: number;
  limit: number;
  source?: LogSource | undefined;
  level?: LogLevel | undefined;
  since?: Date | undefined;
}

/** Which events: at a minimum level, since a time (newest first, `limit` of them). */
export interface EventFilter {
  limit: number;
  level?: LogLevel | undefined;
  since?: Date | undefined;
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

  /** Stores the lines; a level is kept on the agent's own lines only (WebUI lines carry none). */
  async insertLogs(instanceId: string, lines: LogLine[]): Promise<number> {
    const rows = await this.db.query(
      `insert into instance_logs (instance_id, stream, at, line, level)
       select $1, l.stream, l.at::timestamptz, l.line, case when l.stream = 'agent' then l.level end
         from jsonb_to_recordset($2::jsonb) as l(stream text, at text, line text, level text)
       returning id`,
      [instanceId, JSON.stringify(lines)],
    );
    return rows.length;
  }

  async listEvents(instanceId: string, filter: EventFilter): Promise<EventRow[]> {
    return this.db.query<EventRow>(
      `select id, source, level, kind, message, data, at from events
        where instance_id = $1 and ($3::text[] is null or level = any($3::text[])) and ($4::timestamptz is null or at >= $4)
        order by at desc, id desc limit $2`,
      [instanceId, filter.limit, filter.level ? levelsFrom(filter.level) : null, filter.since ?? null],
    );
  }

  /**
   * Oldest first by line id; `level` leaves out lines without one (WebUI lines, older agents' lines). Also
   * `(instanceId, after, limit)`: every line after a line id.
   */
  async listLogs(instanceId: string, filterOrAfter: LogFilter | number, limit = 1000): Promise<LogRow[]> {
    const filter: LogFilter =
      typeof filterOrAfter === 'number' ? { after: filterOrAfter, limit } : filterOrAfter;
    return this.db.query<LogRow>(
      `select id, stream, at, line, level from instance_logs
        where instance_id = $1 and id > $2 and ($4::text is null or stream = $4)
          and ($5::text[] is null or level = any($5::text[])) and ($6::timestamptz is null or at >= $6)
        order by id limit $3`,
      [
        instanceId,
        filter.after,
        filter.limit,
        filter.source ?? null,
        filter.level ? levelsFrom(filter.level) : null,
        filter.since ?? null,
      ],
    );
  }

  /**
   * Why the agent failed, in its own words: the message of its `agent.failed` event (the error that ended its
   * run), else of its last `error` event, else its last `error` log line; null when it said none of them.
   */
  async lastErrorMessage(instanceId: string): Promise<string | null> {
    const [event] = await this.db.query<{ message: string }>(
      `select message from events where instance_id = $1 and source = 'agent' and level = 'error'
        order by (kind = 'agent.failed') desc, at desc, id desc limit 1`,
      [instanceId],
    );
    if (event) return event.message;
    const [line] = await this.db.query<{ line: string }>(
      `select line from instance_logs where instance_id = $1 and stream = 'agent' and level = 'error'
        order by id desc limit 1`,
      [instanceId],
    );
    return line?.line ?? null;
  }

  /** Replaces a failed instance's reason `from` with `to` (a reason learnt after it failed); false when not. */
  async restateFailure(instanceId: string, from: string, to: string): Promise<boolean> {
    const rows = await this.db.query(
      `update instances set state_reason = $3, updated_at = now()
        where id = $1 and state = 'failed' and state_reason = $2 returning id`,
      [instanceId, from, to],
    );
    return rows.length > 0;
  }
}
