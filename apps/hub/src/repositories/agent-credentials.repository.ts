import type { InstanceState } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

/** What an agent's authentication learns of its instance (a heartbeat then spares two queries). */
export interface AgentSeen {
  instanceId: string;
  state: InstanceState;
  /** Commands not yet acknowledged exist for the instance. */
  commandsWaiting: boolean;
}

/** Bootstrap tokens (one per launch, single use) and agent tokens (one instance each), stored as SHA-256. */
export class AgentCredentialsRepository {
  constructor(private readonly db: Queryable) {}

  async insert(
    input: {
      instanceId: string;
      kind: 'bootstrap' | 'agent';
      tokenHash: string;
      expiresAt: Date | null;
      agentVersion?: string;
    },
    q: Queryable = this.db,
  ): Promise<void> {
    await q.query(
      `insert into agent_credentials (instance_id, kind, token_hash, expires_at, agent_version) values ($1, $2, $3, $4, $5)`,
      [input.instanceId, input.kind, input.tokenHash, input.expiresAt, input.agentVersion ?? null],
    );
  }

  /** Marks a live bootstrap token used and returns its instance; null when unknown, used, expired or revoked. */
  async consumeBootstrap(tokenHash: string, q: Queryable): Promise<string | null> {
    const rows = await q.query<{ instanceId: string }>(
      `update agent_credentials set used_at = now()
        where token_hash = $1 and kind = 'bootstrap' and used_at is null and revoked_at is null
          and (expires_at is null or expires_at > now())
        returning instance_id as "instanceId"`,
      [tokenHash],
    );
    return rows[0]?.instanceId ?? null;
  }

  /**
   * The instance of a live agent token, its state and whether commands wait for it now, or null (also once
   * its instance is destroyed, whatever path did it).
   */
  async instanceOfAgentToken(tokenHash: string): Promise<AgentSeen | null> {
    const rows = await this.db.query<AgentSeen>(
      `select c.instance_id as "instanceId", i.state,
              exists (select 1 from agent_commands a where a.instance_id = c.instance_id and a.acknowledged_at is null)
                as "commandsWaiting"
         from agent_credentials c join instances i on i.id = c.instance_id
        where c.token_hash = $1 and c.kind = 'agent' and c.revoked_at is null
          and (c.expires_at is null or c.expires_at > now()) and i.state <> 'destroyed'`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  /** Revokes every credential of the instance (at destroy). Idempotent. */
  async revokeAll(instanceId: string): Promise<void> {
    await this.db.query(
      `update agent_credentials set revoked_at = coalesce(revoked_at, now()) where instance_id = $1`,
      [instanceId],
    );
  }
}
