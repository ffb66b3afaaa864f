import { type InstanceState, STATE_GROUPS } from '@podpilot/common';
import type { Queryable } from '../db/db.js';
import type { DeadlineRow } from '../services/instances/deadline-rules.js';

/** What the deadline watch reads: billed instances with their last signs of life, and its own notices. */
export class DeadlinesRepository {
  constructor(private readonly db: Queryable) {}

  /** Every instance in a GPU-billed state (no relaunch under way: the reconciler owns those). */
  async billed(): Promise<(DeadlineRow & { provider: string })[]> {
    return this.db.query(
      `select i.id, i.provider, i.state, i.state_changed_at as "stateChangedAt",
              i.provider_instance_id as "providerInstanceId", i.provider_running_at as "providerRunningAt",
              i.last_heartbeat_at as "lastHeartbeatAt",
              (select max(e.at) from events e where e.instance_id = i.id and e.source = 'agent')
                as "lastAgentEventAt"
         from instances i
        where i.state = any($1::text[]) and i.relaunch_pending is null
        order by i.created_at`,
      [STATE_GROUPS.billed as readonly InstanceState[]],
    );
  }

  /** Whether a `kind` event about the instance was recorded at or after `since` (one notice per wait). */
  async noticedSince(instanceId: string, kind: string, since: Date): Promise<boolean> {
    const rows = await this.db.query(
      `select 1 from events where instance_id = $1 and source = 'hub' and kind = $2 and at >= $3 limit 1`,
      [instanceId, kind, since],
    );
    return rows.length > 0;
  }
}
