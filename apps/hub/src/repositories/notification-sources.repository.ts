import type { InstanceState, StopReason } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

/** The instance a row is about, as it is now. */
export interface NoticeInstance {
  id: string;
  name: string;
  state: InstanceState;
  stopReason: StopReason | null;
  stateReason: string | null;
}

/** A hub or agent event that may become a notice. */
export interface SourceEvent {
  id: string;
  kind: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data: Record<string, unknown> | null;
  at: Date;
  instance: NoticeInstance | null;
}

/** A state change that may become a notice. */
export interface SourceTransition {
  id: string;
  from: InstanceState | null;
  to: InstanceState;
  cause: string;
  at: Date;
  instance: NoticeInstance;
  /** The instance's last error event's message, for `failed` (the reason itself). */
  lastError: string | null;
}

export interface NoticeCursor {
  eventId: string | null;
  transitionId: string | null;
}

const INSTANCE = `case when i.id is null then null else json_build_object('id', i.id, 'name', i.name,
  'state', i.state, 'stopReason', i.stop_reason, 'stateReason', i.state_reason) end as instance`;

/**
 * What the notification job reads: new `events` rows of the kinds it announces, new `instance_transitions`
 * rows into ready/failed/stopped, and its own cursor (`notification_cursor`).
 */
export class NotificationSourcesRepository {
  constructor(private readonly db: Queryable) {}

  async cursor(): Promise<NoticeCursor> {
    const rows = await this.db.query<NoticeCursor>(
      `select event_id::text as "eventId", transition_id::text as "transitionId" from notification_cursor`,
    );
    return rows[0] ?? { eventId: null, transitionId: null };
  }

  async saveCursor(cursor: NoticeCursor): Promise<void> {
    await this.db.query(
      `update notification_cursor set event_id = $1::bigint, transition_id = $2::bigint, updated_at = now()`,
      [cursor.eventId, cursor.transitionId],
    );
  }

  /** The newest ids now (0 when empty): where a first pass starts, so no history is replayed. */
  async newest(): Promise<{ eventId: string; transitionId: string }> {
    const rows = await this.db.query<{ eventId: string; transitionId: string }>(
      `select (select coalesce(max(id), 0) from events)::text as "eventId",
              (select coalesce(max(id), 0) from instance_transitions)::text as "transitionId"`,
    );
    return rows[0] ?? { eventId: '0', transitionId: '0' };
  }

  /** Hub notices (idle warning, budget, deadlines) and the agent's `provision.done`, in (afterId, upTo]. */
  async eventsBetween(afterId: string, upTo: string): Promise<SourceEvent[]> {
    return this.db.query<SourceEvent>(
      `select e.id::text as id, e.kind, e.level, e.message, e.data, e.at, ${INSTANCE}
         from events e left join instances i on i.id = e.instance_id
        where e.id > $1::bigint and e.id <= $2::bigint
          and ((e.source = 'hub' and (e.kind = 'idle.warning' or e.kind like 'budget.%' or e.kind like 'deadline.%'))
               or (e.source = 'agent' and e.kind = 'provision.done'))
        order by e.id`,
      [afterId, upTo],
    );
  }

  /** The largest event id at most `limit` rows after `afterId` (any kind): how far a pass has read. */
  async eventIdReached(afterId: string, limit: number): Promise<string> {
    const rows = await this.db.query<{ id: string | null }>(
      `select max(id)::text as id from (select id from events where id > $1::bigint order by id limit $2) t`,
      [afterId, limit],
    );
    return rows[0]?.id ?? afterId;
  }

  /** Changes into ready (not from idle: the WebUI busy again), failed or stopped, in (afterId, upTo]. */
  async transitionsBetween(afterId: string, upTo: string): Promise<SourceTransition[]> {
    return this.db.query<SourceTransition>(
      `select t.id::text as id, t.from_state as "from", t.to_state as "to", t.cause, t.at, ${INSTANCE},
              (select e.message from events e where e.instance_id = t.instance_id and e.level = 'error'
                  and e.at <= t.at order by e.id desc limit 1) as "lastError"
         from instance_transitions t join instances i on i.id = t.instance_id
        where t.id > $1::bigint and t.id <= $2::bigint
          and (t.to_state in ('failed', 'stopped') or (t.to_state = 'ready' and t.from_state is distinct from 'idle'))
        order by t.id`,
      [afterId, upTo],
    );
  }

  /** The largest transition id at most `limit` rows after `afterId` (any change). */
  async transitionIdReached(afterId: string, limit: number): Promise<string> {
    const rows = await this.db.query<{ id: string | null }>(
      `select max(id)::text as id
         from (select id from instance_transitions where id > $1::bigint order by id limit $2) t`,
      [afterId, limit],
    );
    return rows[0]?.id ?? afterId;
  }
}
