import {
  type AgentCommandKind,
  agentCommandArgs,
  type InstanceDetail,
  type InstanceEventsQuery,
  type InstanceLogsQuery,
  type InstanceSummary,
} from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { iso, isoOrNull } from '../../lib/dates.js';
import { notFound } from '../../lib/http-error.js';
import { AgentActivityRepository } from '../../repositories/agent-activity.repository.js';
import { AgentCommandsRepository } from '../../repositories/agent-commands.repository.js';
import { IdleRepository } from '../../repositories/idle.repository.js';
import { InstanceAgentRepository, InstancesRepository } from '../../repositories/instances.repository.js';
import { activityView } from '../costs/idle-clock.js';
import { InstanceAccess, type ProviderInstanceLookup } from './instance-access.js';
import { instanceSummary, type SummaryDeadlines } from './instance-summary.js';

export interface InstancesOptions {
  /** Dollars accrued per instance over its whole life (CostsService.totals). */
  costs: { totals(ids?: string[]): Promise<Map<string, { usd: number }>> };
  /** Length of an idle minute in ms (60 000; tests shorten it). */
  idleMinuteMs: number;
  /**
   * A rental's live record from its provider (ProviderRegistry): Vast.ai's public address is only known
   * there. Without it a Vast.ai instance reached publicly shows no URL.
   */
  providerInstance?: ProviderInstanceLookup;
  /** The deadline rules the hub runs with: without them no summary has a `bootDeadlineAt`. */
  deadlines?: SummaryDeadlines;
  now?: () => number;
}

/** Instances as the owner sees them. Launching, the lifecycle and reconciling come with the providers. */
export class InstancesService {
  private readonly instances: InstancesRepository;
  private readonly withAgent: InstanceAgentRepository;
  private readonly activity: AgentActivityRepository;
  private readonly commands: AgentCommandsRepository;
  private readonly idle: IdleRepository;
  private readonly access: InstanceAccess;
  private readonly now: () => number;

  constructor(
    db: Db,
    private readonly options: InstancesOptions,
  ) {
    this.instances = new InstancesRepository(db);
    this.withAgent = new InstanceAgentRepository(db);
    this.activity = new AgentActivityRepository(db);
    this.commands = new AgentCommandsRepository(db);
    this.idle = new IdleRepository(db);
    this.now = options.now ?? Date.now;
    this.access = new InstanceAccess(db, options.providerInstance, this.now);
  }

  /** Every instance, newest first; only those of `only` when given (the live feed's changed ones). */
  async list(only?: readonly string[]): Promise<InstanceSummary[]> {
    const rows = await this.instances.list(only);
    const ids = rows.map((r) => r.id);
    const [costs, access] = await Promise.all([this.options.costs.totals(ids), this.access.of(ids)]);
    return rows.map((row) =>
      instanceSummary(row, {
        costUsd: costs.get(row.id)?.usd ?? 0,
        access: access.get(row.id) ?? null,
        deadlines: this.options.deadlines,
      }),
    );
  }

  /** One instance with its agent's latest facts. Throws 404. */
  async get(id: string): Promise<InstanceDetail> {
    const row = await this.withAgent.find(id);
    if (!row) throw notFound(`instance ${id}`);
    const { agentFacts, agentVersion, lastHeartbeatAt, profileName, profileVersion } = row;
    const idle = await this.idle.find(id);
    const [costs, access] = await Promise.all([this.options.costs.totals([id]), this.access.of([id])]);
    return {
      ...instanceSummary(row, {
        costUsd: costs.get(id)?.usd ?? 0,
        access: access.get(id) ?? null,
        deadlines: this.options.deadlines,
      }),
      activity: idle ? activityView(idle, this.now(), this.options.idleMinuteMs) : null,
      profile: profileName && profileVersion ? { name: profileName, version: profileVersion } : null,
      agent:
        agentVersion || lastHeartbeatAt
          ? { version: agentVersion, lastHeartbeatAt: isoOrNull(lastHeartbeatAt), facts: agentFacts }
          : null,
    };
  }

  /** Throws 404 for an unknown instance (cheaper than `get`: no costs, no provider). */
  private async mustExist(id: string): Promise<void> {
    if (!(await this.withAgent.find(id))) throw notFound(`instance ${id}`);
  }

  /** Newest first; `query.level` is the minimum level, `query.since` an ISO time (a number: the limit alone). */
  async events(id: string, query: InstanceEventsQuery | number) {
    await this.mustExist(id);
    const q = typeof query === 'number' ? { limit: query } : query;
    const filter = { ...q, since: q.since === undefined ? undefined : new Date(q.since) };
    return (await this.activity.listEvents(id, filter)).map((e) => ({ ...e, at: iso(e.at) }));
  }

  /** Oldest first after `query.after`, by source, minimum level and time (see InstanceLogsQuery). */
  async logs(id: string, query: InstanceLogsQuery) {
    await this.mustExist(id);
    const filter = { ...query, since: query.since === undefined ? undefined : new Date(query.since) };
    return (await this.activity.listLogs(id, filter)).map((l) => ({ ...l, at: iso(l.at) }));
  }

  /**
   * Queues a command for the instance's agent; delivered with its next heartbeat reply. The owner's `args`
   * are stored as the kind's typed arguments (fields of the wrong type dropped, as an agent would read them).
   */
  async command(id: string, kind: AgentCommandKind, args: Record<string, unknown> | null): Promise<string> {
    await this.mustExist(id);
    return this.commands.create(id, kind, agentCommandArgs(kind, args));
  }
}
