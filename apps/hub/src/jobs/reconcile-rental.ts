import {
  AGENT_STATES,
  canTransition,
  inGroup,
  errorMessage as message,
  type ProviderKind,
  STATE_GROUPS,
} from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import { ProviderError } from '../providers/errors.js';
import { type ComputeProvider, isStoppable, type ProviderInstance } from '../providers/provider.js';
import type { LifecycleRepository, LifecycleRow } from '../repositories/lifecycle.repository.js';
import type { ProviderFactsRepository } from '../repositories/provider-facts.repository.js';
import type { LifecycleService } from '../services/instances/lifecycle.service.js';
import {
  crashReason,
  leakReason,
  providerFacts,
  type StartFailure,
  startFailure,
} from './reconcile-decisions.js';

/** What one pass did, per provider; for tests and logs. */
export interface ReconcileReport {
  ran: boolean;
  leaksDestroyed: number;
  adopted: number;
  vanished: number;
  failed: number;
  /** Rentals that never ran, destroyed to be replaced (LaunchRequest.relaunch). */
  relaunched: number;
  /** Instances that had been ready whose container ended on its own: stopped with their disk (`crashed`). */
  crashed: number;
  /** Tailnet devices of ended instances removed. */
  tailscaleRemoved: number;
  unavailable: { provider: ProviderKind; reason: string }[];
}

export interface RentalReconcilerDeps {
  rows: LifecycleRepository;
  facts: ProviderFactsRepository;
  lifecycle: LifecycleService;
  /** How long a launch may go without a rental, and a rental may stay `starting`. */
  options: { launchTimeoutMs: number; bootTimeoutMs: number };
  now: () => number;
  log: FastifyBaseLogger;
}

/** The reconciler's repairs of one rental, or of one row without its rental, counted in the pass's report. */
export class RentalReconciler {
  private readonly rows: LifecycleRepository;
  private readonly facts: ProviderFactsRepository;
  private readonly lifecycle: LifecycleService;
  private readonly options: RentalReconcilerDeps['options'];
  private readonly now: () => number;
  private readonly log: FastifyBaseLogger;

  constructor(deps: RentalReconcilerDeps) {
    this.rows = deps.rows;
    this.facts = deps.facts;
    this.lifecycle = deps.lifecycle;
    this.options = deps.options;
    this.now = deps.now;
    this.log = deps.log;
  }

  /**
   * A labelled rental at the provider, and the row it names (null when no row exists): destroys it when no
   * live row may hold it, adopts it for a launch whose answer was lost, records its price, carries on a
   * destroy or relaunch, replaces or fails a rental that will never run, and follows stops. Provider errors
   * are thrown (the pass logs them and goes on).
   */
  async labelled(
    provider: ComputeProvider,
    instance: ProviderInstance,
    row: LifecycleRow | null,
    report: ReconcileReport,
  ): Promise<void> {
    const leak = (why: string) => this.destroyLeak(provider, instance, row, report, why);
    if (!row) return leak('labelled for an instance this hub does not know');
    const foreign = leakReason(row, instance.id);
    if (foreign) return leak(foreign);
    if (row.providerInstanceId === null) {
      await this.lifecycle.attach(provider, row.id, instance, 'adopted by the reconciler');
      report.adopted++;
    }
    // Price, GPU, status and address as the provider reports them (a launch answer often lacks them).
    await this.facts.record(row.id, providerFacts(instance));
    if (row.state === 'stopping' && row.desiredState === 'destroyed')
      return this.lifecycle.finishDestroy(row.id);
    if (row.relaunchPending !== null && row.state === 'launching')
      return this.lifecycle.continueRelaunch(provider, row.id);
    // The provider bills the GPU from here on (cost accounting, deadlines).
    if (instance.status === 'running' && row.providerRunningAt === null && inGroup(row.state, 'billed'))
      await this.facts.markRunning(row.id);
    if (instance.status === 'exited' || instance.status === 'failed') {
      const crash = crashReason(instance, row, await this.rows.keepsDisk(row.id));
      if (crash) return this.stopCrashed(provider, instance, row, crash, report);
    }
    const age = this.now() - row.stateChangedAt.getTime();
    const failure = startFailure(instance, row, age, this.options.bootTimeoutMs);
    if (failure) return this.failToStart(provider, instance, row, report, failure, leak);
    await this.followStop(provider, instance, row);
  }

  /** Destroys a rental no row may hold, recording why (an event names the provider's instance). */
  private async destroyLeak(
    provider: ComputeProvider,
    instance: ProviderInstance,
    row: LifecycleRow | null,
    report: ReconcileReport,
    why: string,
  ): Promise<void> {
    await this.rows.event(
      row ? row.id : null,
      'warn',
      'leak',
      `destroying ${provider.kind} instance ${instance.id}: ${why}`,
      {
        provider: provider.kind,
        providerInstanceId: instance.id,
        podpilotId: instance.podpilotId,
      },
    );
    await provider.destroy(instance.id);
    report.leaksDestroyed++;
  }

  /**
   * A rental that will never run: replaced when the row never ran and has a relaunch left; otherwise the row
   * fails and the rental is destroyed.
   */
  private async failToStart(
    provider: ComputeProvider,
    instance: ProviderInstance,
    row: LifecycleRow,
    report: ReconcileReport,
    failure: StartFailure,
    leak: (why: string) => Promise<void>,
  ): Promise<void> {
    const neverRan = row.state === 'launching' || row.state === 'booting';
    if (neverRan && (await this.lifecycle.relaunch(provider, row, instance, failure.why))) {
      report.relaunched++;
      return;
    }
    await this.rows.move(row.id, 'failed', failure.cause, { reason: failure.reason });
    report.failed++;
    await leak(failure.leak);
  }

  /**
   * A container that ended on its own after its instance had been ready: stopped with its disk kept and
   * reason `crashed`, so `start` brings it back; never destroyed. A failed provider stop leaves it `stopping`
   * (followStop retries).
   */
  private async stopCrashed(
    provider: ComputeProvider,
    instance: ProviderInstance,
    row: LifecycleRow,
    why: string,
    report: ReconcileReport,
  ): Promise<void> {
    const reason = `${why}; stopped with its disk — start it again`;
    const moved = await this.rows.move(row.id, 'stopping', `crashed: ${why} (reconciler)`, {
      from: STATE_GROUPS.stoppable,
      desired: 'stopped',
      reason,
      stopReason: 'crashed',
    });
    if (!moved) return;
    report.crashed++;
    await this.rows.event(row.id, 'error', 'crashed', reason, {
      provider: provider.kind,
      providerInstanceId: instance.id,
      providerStatus: instance.rawStatus,
    });
    try {
      if (isStoppable(provider) && instance.status !== 'stopped') await provider.stop(instance.id);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      await this.rows.event(row.id, 'warn', 'stop-failed', `stop will be retried: ${message(error)}`);
      return;
    }
    await this.rows.move(row.id, 'stopped', 'provider stopped the instance (crashed)', {
      from: ['stopping'],
    });
  }

  /** Finishes a stop the provider did not complete, and records a stop made outside the hub. */
  private async followStop(
    provider: ComputeProvider,
    instance: ProviderInstance,
    row: LifecycleRow,
  ): Promise<void> {
    if (row.state === 'stopping' && row.desiredState === 'stopped') {
      if (instance.status !== 'stopped' && isStoppable(provider)) await provider.stop(instance.id);
      await this.rows.move(row.id, 'stopped', 'provider stopped the instance (reconciler)', {
        from: ['stopping'],
      });
      return;
    }
    if (instance.status === 'stopped' && AGENT_STATES.includes(row.state)) {
      await this.rows.move(row.id, 'stopped', 'stopped outside the hub (reconciler)', {
        from: AGENT_STATES,
        desired: 'stopped',
        reason: `stopped outside PodPilot (the provider reports ${instance.rawStatus})`,
        stopReason: 'owner',
      });
    }
  }

  /**
   * A live row whose rental the provider's list does not show: a destroy is finished, a relaunch carried on,
   * a row whose rental vanished fails, and so does a launch that never reached the provider in time.
   */
  async missing(provider: ComputeProvider, row: LifecycleRow, report: ReconcileReport): Promise<void> {
    if (row.state === 'stopping' && row.desiredState === 'destroyed') {
      await this.rows.move(row.id, 'destroyed', 'the provider no longer has the instance (reconciler)', {
        from: ['stopping'],
      });
      return;
    }
    if (row.relaunchPending !== null && row.state === 'launching') {
      // The old rental of a relaunch is gone (or going): rent the replacement.
      await this.lifecycle.continueRelaunch(provider, row.id).catch((error: unknown) => {
        if (!(error instanceof ProviderError)) throw error;
        this.log.warn({ err: message(error), instanceId: row.id }, 'reconciler: relaunch not finished');
      });
      return;
    }
    if (row.providerInstanceId !== null) {
      // Once ready (or stopped) it ran: gone is destroyed outside the hub, not a failed launch.
      const to = row.readyAt === null && canTransition(row.state, 'failed') ? 'failed' : 'destroyed';
      await this.rows.move(row.id, to, 'vanished', {
        from: [row.state],
        reason: `the provider no longer has instance ${row.providerInstanceId}`,
      });
      await this.rows.event(
        row.id,
        'error',
        'vanished',
        `the provider no longer has instance ${row.providerInstanceId}`,
      );
      report.vanished++;
      return;
    }
    const age = this.now() - row.stateChangedAt.getTime();
    if ((row.state === 'requested' || row.state === 'launching') && age >= this.options.launchTimeoutMs) {
      await this.rows.move(row.id, 'failed', 'launch never reached the provider (reconciler)', {
        from: [row.state],
        reason: 'the provider has no instance with this label; launch again',
      });
      report.failed++;
    }
  }
}
