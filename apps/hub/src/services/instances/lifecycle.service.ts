import {
  type InstanceDetail,
  type InstanceState,
  type LaunchRequest,
  type ProviderKind,
  STATE_GROUPS,
  type StopReason,
} from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/db.js';
import { iso } from '../../lib/dates.js';
import { conflict, HttpError, notFound } from '../../lib/http-error.js';
import { NoCapacityError, NotYetTerminatedError, ProviderError } from '../../providers/errors.js';
import { type ComputeProvider, isStoppable, type ProviderInstance } from '../../providers/provider.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import { AgentCredentialsRepository } from '../../repositories/agent-credentials.repository.js';
import { LifecycleRepository, type LifecycleRow } from '../../repositories/lifecycle.repository.js';
import type { BootstrapTokens } from '../agents/bootstrap-tokens.js';
import type { OutputsService } from '../outputs/outputs.service.js';
import type { InstancesService } from './instances.service.js';
import { AGENT_STATES, configuredProvider, describe, type LifecycleOptions } from './lifecycle-common.js';
import { LifecycleLauncher } from './lifecycle-launch.js';
import { LifecycleRelauncher } from './lifecycle-relaunch.js';
import { LifecycleRenter } from './lifecycle-rent.js';

export { AGENT_STATES, type LaunchBudget, type LifecycleOptions } from './lifecycle-common.js';
export { RELAUNCH_PRICE_FACTOR } from './relaunch-offer.js';

const STOPPABLE: readonly InstanceState[] = STATE_GROUPS.stoppable;

/**
 * The instance lifecycle: launch, stop, start, destroy. Every state change is recorded with its cause;
 * the database is written before and after each provider call, never during one, and no provider call
 * runs inside a transaction. What a provider call leaves unresolved (an unknown outcome, a destroy not
 * finished yet) stays in a state the reconciler (jobs/reconciler.ts) picks up.
 */
export class LifecycleService {
  private readonly rows: LifecycleRepository;
  private readonly renter: LifecycleRenter;
  private readonly launcher: LifecycleLauncher;
  private readonly relauncher: LifecycleRelauncher;
  private readonly credentials: AgentCredentialsRepository;

  constructor(
    db: Db,
    private readonly providers: ProviderRegistry,
    private readonly instances: InstancesService,
    tokens: BootstrapTokens,
    private readonly outputs: OutputsService,
    private readonly options: LifecycleOptions,
    log: FastifyBaseLogger,
  ) {
    this.rows = new LifecycleRepository(db);
    this.credentials = new AgentCredentialsRepository(db);
    this.renter = new LifecycleRenter({
      rows: this.rows,
      credentials: this.credentials,
      tokens,
      options,
      log,
    });
    const { rows, renter } = this;
    this.launcher = new LifecycleLauncher({ db, providers, instances, rows, renter, options });
    this.relauncher = new LifecycleRelauncher(rows, renter, options);
  }

  /**
   * Launches a profile version, idempotent per `idempotencyKey` (a repeat returns the existing instance with
   * `created: false` and never rents twice). 400 naming `profile` for an unknown profile or version, 409 when
   * the provider is not configured or the budget or the offer's driver refuses. See LifecycleLauncher.launch.
   */
  launch(req: LaunchRequest): Promise<{ instance: InstanceDetail; created: boolean }> {
    return this.launcher.launch(req);
  }

  /**
   * Replaces a rental that never reached running (the provider reports it failed, or it never started):
   * when the row has a relaunch left, it goes back to `launching` (cause `relaunch k/n: <reason>`), the old
   * rental is destroyed, and once it is gone a replacement is rented under the same label. Returns false
   * when no relaunch is left (the caller fails the row as before).
   */
  relaunch(
    provider: ComputeProvider,
    row: LifecycleRow,
    old: ProviderInstance,
    reason: string,
  ): Promise<boolean> {
    return this.relauncher.relaunch(provider, row, old, reason);
  }

  /**
   * Carries a pending relaunch on: destroys the old rental, and only once the provider no longer has it
   * rents a replacement offer (same label). Leaves it pending while the destroy is not finished; fails the
   * row when no replacement offer is found. Provider outages are thrown (the reconciler retries).
   */
  continueRelaunch(provider: ComputeProvider, id: string): Promise<void> {
    return this.relauncher.continueRelaunch(provider, id);
  }

  /**
   * Stops a running instance: final output sync (bounded), `stopping`, provider stop, `stopped`. A provider
   * failure leaves it `stopping` with desired state `stopped` (the reconciler retries). 409 when the
   * provider cannot stop instances or the instance is not running. `why` starts the recorded cause;
   * `stopReason` says who or what stopped it (shown beside `stopped`).
   */
  async stop(id: string, why = 'stop requested', stopReason: StopReason = 'owner'): Promise<InstanceDetail> {
    const row = await this.require(id);
    if (row.state === 'stopped' || row.state === 'stopping') return this.instances.get(id);
    if (!STOPPABLE.includes(row.state) || !row.providerInstanceId)
      throw conflict(`instance ${id} is ${row.state}: only a running instance can be stopped`);
    const provider = await this.provider(row.provider as ProviderKind);
    if (!isStoppable(provider)) throw conflict(`${row.provider} cannot stop instances: destroy it instead`);
    const sync = await this.finalSync(row);
    if (
      !(await this.rows.move(id, 'stopping', `${why} (${sync})`, {
        from: STOPPABLE,
        desired: 'stopped',
        reason: why,
        stopReason,
      }))
    )
      return this.instances.get(id);
    try {
      await provider.stop(row.providerInstanceId);
      // The tailnet device stays: the disk keeps tailscaled's state, and the started container rejoins with it.
      await this.rows.move(id, 'stopped', 'provider stopped the instance', { from: ['stopping'] });
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      await this.rows.event(id, 'warn', 'stop-failed', `stop will be retried: ${describe(error)}`);
    }
    return this.instances.get(id);
  }

  /**
   * The hub's own stop (idle, budget): `stop` when asked and the provider can stop instances, else `destroy`
   * (billing must end either way). Both run the final output sync first. Returns what was done.
   */
  async halt(
    id: string,
    action: 'stop' | 'destroy',
    why: string,
    stopReason: StopReason,
  ): Promise<'stop' | 'destroy'> {
    const row = await this.require(id);
    const canStop = isStoppable(await this.provider(row.provider as ProviderKind));
    if (action === 'stop' && canStop) {
      await this.stop(id, why, stopReason);
      return 'stop';
    }
    await this.destroy(id, why);
    return 'destroy';
  }

  /** Starts a stopped instance again (`booting` until its agent reports). 409 when not stopped or no GPU. */
  async start(id: string): Promise<InstanceDetail> {
    const row = await this.require(id);
    if (row.state !== 'stopped' || !row.providerInstanceId)
      throw conflict(`instance ${id} is ${row.state}: only a stopped instance can be started`);
    const provider = await this.provider(row.provider as ProviderKind);
    if (!isStoppable(provider)) throw conflict(`${row.provider} cannot start instances`);
    try {
      await provider.start(row.providerInstanceId);
    } catch (error) {
      if (error instanceof NoCapacityError)
        throw conflict(`${describe(error)}; destroy the instance and launch elsewhere`);
      throw error;
    }
    await this.rows.move(id, 'booting', 'start requested; provider started the instance', {
      from: ['stopped'],
      desired: 'running',
    });
    return this.instances.get(id);
  }

  /**
   * Destroys the instance for good: final sync when an agent runs, `stopping`, provider destroy, `destroyed`.
   * When the provider has not finished (NotYetTerminatedError, outage) it stays `stopping` with desired
   * state `destroyed` and the reconciler finishes it. Destroying a destroyed instance is a no-op.
   * `why` starts the recorded cause.
   */
  async destroy(id: string, why = 'destroy requested'): Promise<InstanceDetail> {
    const row = await this.require(id);
    if (row.state === 'destroyed') return this.instances.get(id);
    const sync = AGENT_STATES.includes(row.state) ? await this.finalSync(row) : 'no agent running';
    await this.rows.setDesired(id, 'destroyed');
    // Every destroy says why, in the instance's events as well as in its transition.
    await this.rows.event(id, 'warn', 'destroy', `${why} (${sync})`);
    await this.rows.move(id, 'stopping', `${why} (${sync})`, { desired: 'destroyed' });
    await this.finishDestroy(id);
    return this.instances.get(id);
  }

  /**
   * Completes a destroy of a `stopping` row: destroys its provider instance (found by label when its id was
   * never recorded) and marks it `destroyed`. Provider failures are swallowed (logged as events): the row
   * stays `stopping` for the next try. Used by destroy and by the reconciler.
   */
  async finishDestroy(id: string): Promise<void> {
    const row = await this.require(id);
    if (row.state !== 'stopping' || row.desiredState !== 'destroyed') return;
    try {
      const provider = await this.provider(row.provider as ProviderKind);
      const target = row.providerInstanceId ?? (await provider.findByPodpilotId(id))?.id ?? null;
      if (target) await provider.destroy(target);
      await this.rows.move(
        id,
        'destroyed',
        target ? 'provider destroyed the instance' : 'nothing was rented',
        {
          from: ['stopping'],
        },
      );
      await this.credentials.revokeAll(id); // the agent's token dies with its instance
      await this.options.tailscale?.instanceDestroyed(id);
    } catch (error) {
      if (!(error instanceof ProviderError) && !(error instanceof HttpError)) throw error;
      const kind = error instanceof NotYetTerminatedError ? 'destroy-pending' : 'destroy-failed';
      await this.rows.event(id, 'warn', kind, `destroy will be retried: ${describe(error)}`);
    }
  }

  /** Every state change of the instance, oldest first. 404 when unknown. */
  async transitions(id: string) {
    await this.require(id);
    return (await this.rows.transitions(id)).map((t) => ({ ...t, at: iso(t.at) }));
  }

  /**
   * Records a provider instance found for a launching row. When the row moved on meanwhile (failed by the
   * reconciler) or holds another rental, the found instance is a leak and is destroyed at once.
   */
  attach(provider: ComputeProvider, id: string, found: ProviderInstance, cause: string): Promise<void> {
    return this.renter.attach(provider, id, found, cause);
  }

  private async finalSync(row: LifecycleRow): Promise<string> {
    if (!AGENT_STATES.includes(row.state) || this.options.finalSyncMs <= 0) return 'no final sync';
    const result = await this.outputs.finalSync(row.id, this.options.finalSyncMs);
    return `final sync: ${result.result}`;
  }

  private provider(kind: ProviderKind): Promise<ComputeProvider> {
    return configuredProvider(this.providers, kind);
  }

  private async require(id: string): Promise<LifecycleRow> {
    const row = await this.rows.find(id);
    if (!row) throw notFound(`instance ${id}`);
    return row;
  }
}
