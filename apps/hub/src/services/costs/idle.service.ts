import type {
  HeartbeatReport,
  HeartbeatResponse,
  IdlePolicyOverride,
  InstanceState,
  StopReason,
} from '@podpilot/common';
import { errorMessage, MAX_KEEP_AWAKE_HOURS } from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/db.js';
import { HttpError, notFound } from '../../lib/http-error.js';
import { IdleRepository, type IdleRow } from '../../repositories/idle.repository.js';
import { InstanceAgentRepository } from '../../repositories/instances.repository.js';
import type { LifecycleService } from '../instances/lifecycle.service.js';
import { assessIdle, type IdleAssessment, minutesAgo, policyOf } from './idle-clock.js';
import type { Notifier } from './notifier.js';

export interface IdleOptions {
  /** Length of an idle minute in ms: 60 000 (the e2e tests shorten it). */
  minuteMs: number;
  now?: () => number;
  /** Keeps the activity history for charts (activity-recorder.ts); never throws. */
  history?: { record(instanceId: string, facts: HeartbeatReport['activity']): Promise<void> };
}

/** States in which the idle clock runs. */
const WATCHED: readonly InstanceState[] = ['ready', 'idle'];
/** States of a fresh start: the idle clock restarts. */
const STARTING: readonly InstanceState[] = ['booting', 'provisioning'];

const at = (ms: number) => new Date(ms).toISOString();

/**
 * Idle stopping: the hub decides, the agent reports. Every heartbeat (and a periodic sweep, for agents that
 * went silent) judges the instance's activity; the instance moves `ready ⇄ idle`, a warning goes out before
 * the deadline, and at the deadline the instance is stopped or destroyed per its policy — after the final
 * output sync, which `LifecycleService.halt` runs first. The action runs in the background, so the heartbeat
 * that triggers it is answered at once (the agent must keep heartbeating to receive the final sync).
 */
export class IdleService {
  private readonly rows: IdleRepository;
  private readonly states: InstanceAgentRepository;
  private readonly running = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(
    db: Db,
    private readonly lifecycle: LifecycleService,
    private readonly notifier: Notifier,
    private readonly options: IdleOptions,
    private readonly log: FastifyBaseLogger,
  ) {
    this.rows = new IdleRepository(db);
    this.states = new InstanceAgentRepository(db);
    this.now = options.now ?? Date.now;
  }

  /**
   * Judges the instance after a heartbeat, whose facts the agents service stored (stamped with the hub's
   * clock) before calling: the same judgement of the same stored facts as the sweep's. Returns the policy
   * for the agent's dead-man switch.
   */
  async afterHeartbeat(instanceId: string, report: HeartbeatReport): Promise<HeartbeatResponse['idle']> {
    const row = await this.rows.find(instanceId);
    if (!row) return undefined;
    await this.options.history?.record(instanceId, report.activity);
    const now = this.now();
    if (STARTING.includes(row.state)) await this.rows.restartClock(row.id, new Date(now));
    else if (WATCHED.includes(row.state)) await this.assess(row, now);
    const policy = policyOf(row);
    return {
      minutes: policy.minutes,
      disabled: policy.disabled,
      keepAwakeUntil: row.keepAwakeUntil?.toISOString() ?? null,
    };
  }

  /**
   * Judges every running instance on its stored facts, as a heartbeat would: an agent that went silent is
   * idle like any other, and one that is heartbeating is judged exactly as its last heartbeat was.
   */
  async sweep(): Promise<void> {
    for (const row of await this.rows.listIn(WATCHED)) await this.assess(row, this.now());
  }

  /** Stops an instance that the budget no longer allows (once, whoever asks again). */
  async haltForBudget(instanceId: string, reason: string): Promise<void> {
    if (!(await this.rows.claimAction(instanceId, new Date(this.now())))) return;
    this.background(instanceId, 'stop', `budget: ${reason}`, 'budget.stop', 'budget');
  }

  /** The owner keeps the instance awake until `until` (null cancels). 400 beyond the limit; 404 unknown. */
  async keepAwake(instanceId: string, until: Date | null): Promise<void> {
    await this.require(instanceId);
    const now = this.now();
    if (until && until.getTime() <= now)
      throw new HttpError(400, 'invalid_request', 'body.until: expected a time in the future', [
        { path: 'body.until', message: 'expected a time in the future' },
      ]);
    if (until && until.getTime() > now + MAX_KEEP_AWAKE_HOURS * 3_600_000) {
      const message = `expected at most ${MAX_KEEP_AWAKE_HOURS} hours from now`;
      throw new HttpError(400, 'invalid_request', `body.until: ${message}`, [
        { path: 'body.until', message },
      ]);
    }
    await this.rows.setKeepAwake(instanceId, until);
    await this.notifier.notify({
      kind: 'idle.keep-awake',
      level: 'info',
      instanceId,
      message: until ? `kept awake until ${until.toISOString()}` : 'keep-awake cancelled',
    });
  }

  /** The owner's idle policy for one instance (null returns to the profile's). 404 unknown. */
  async setOverride(instanceId: string, override: IdlePolicyOverride | null): Promise<void> {
    await this.require(instanceId);
    await this.rows.setOverride(instanceId, override);
    const policy = policyOf({ ...(await this.require(instanceId)) });
    await this.notifier.notify({
      kind: 'idle.policy',
      level: 'info',
      instanceId,
      message: policy.disabled
        ? 'idle stopping turned off for this instance'
        : `idle policy: ${policy.action} after ${policy.minutes} idle min (${policy.source})`,
    });
  }

  /** Resolves once the stops and destroys started so far have finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
    await this.notifier.settled();
  }

  /** Applies the one judgement: the idle clock, the warning, the state (written only when it changes), the action. */
  private async assess(row: IdleRow, now: number) {
    const a = assessIdle(row, now, this.options.minuteMs);
    if (a.lastActivityAt !== row.lastActivityAt?.getTime())
      await this.rows.setLastActivity(row.id, new Date(a.lastActivityAt));
    const reasons = a.reasons.join('; ');
    if (row.warnedAt && a.due === 'none' && (await this.rows.clearWarning(row.id)))
      await this.notifier.notify({
        kind: 'idle.cancelled',
        level: 'info',
        instanceId: row.id,
        message: `work resumed (${reasons}): the idle ${a.policy.action} is off`,
      });
    if (a.state !== row.state)
      await this.states.transition(
        row.id,
        a.state,
        a.state === 'idle'
          ? `no work for ${minutesAgo(now - a.lastActivityAt)}: ${reasons}`
          : `busy: ${reasons}`,
      );
    if (a.due === 'none' || a.actionAt === null) return;
    if (!row.warnedAt && (await this.rows.claimWarning(row.id, new Date(now))))
      await this.notifier.notify({
        kind: 'idle.warning',
        level: 'warn',
        instanceId: row.id,
        message: `${row.name} is idle (${reasons}): it will ${a.policy.action} at ${at(a.actionAt)} unless work resumes`,
        data: { actionAt: at(a.actionAt), action: a.policy.action, reasons: a.reasons },
      });
    if (a.due === 'act' && !row.actionAt && (await this.rows.claimAction(row.id, new Date(now))))
      this.background(row.id, a.policy.action, this.why(a), 'idle.action', 'idle');
  }

  private why(a: IdleAssessment): string {
    return `idle ${a.policy.minutes} min (${a.reasons.join('; ')})`;
  }

  /** Runs the stop or destroy (final sync first) without holding up the caller. */
  private background(
    instanceId: string,
    action: 'stop' | 'destroy',
    why: string,
    kind: string,
    stopReason: StopReason,
  ): void {
    const job = (async () => {
      await this.notifier.notify({
        kind,
        level: 'warn',
        instanceId,
        message: `${why}: final output sync, then ${action}`,
      });
      try {
        const done = await this.lifecycle.halt(instanceId, action, why, stopReason);
        if (done !== action)
          await this.notifier.notify({
            kind: `${kind}-fallback`,
            level: 'warn',
            instanceId,
            message: `the provider cannot stop instances: destroyed instead (outputs were synced first)`,
          });
      } catch (error) {
        this.log.warn({ err: error, instanceId }, 'idle: stopping the instance failed');
        await this.notifier.notify({
          kind: `${kind}-failed`,
          level: 'error',
          instanceId,
          message: `${action} failed: ${errorMessage(error)}`,
        });
      }
    })();
    this.running.add(job);
    void job.finally(() => this.running.delete(job));
  }

  private async require(id: string): Promise<IdleRow> {
    const row = await this.rows.find(id);
    if (!row) throw notFound(`instance ${id}`);
    return row;
  }
}
