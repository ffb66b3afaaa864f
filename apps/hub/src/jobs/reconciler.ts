import { InstanceState, type ProviderKind } from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/db.js';
import { JOB_LOCKS, withJobLock } from '../db/job-lock.js';
import { ProviderError } from '../providers/errors.js';
import { type ComputeProvider, isStoppable, type ProviderInstance } from '../providers/provider.js';
import { PROVIDER_KINDS, ProviderNotConfiguredError, type ProviderRegistry } from '../providers/registry.js';
import { LifecycleRepository, type LifecycleRow } from '../repositories/lifecycle.repository.js';
import type { LifecycleService } from '../services/instances/lifecycle.service.js';
import { repeatEvery } from './repeat.js';

export interface ReconcilerOptions {
  /** A launch without a provider instance older than this is resolved by label (adopted or failed). */
  launchTimeoutMs: number;
  /** An instance the provider still shows as `starting` after this long is destroyed and marked failed. */
  bootTimeoutMs: number;
  now?: () => number;
  /** Removes tailnet devices of instances that are gone (TailscaleService). */
  tailscale?: { removeStaleDevices(): Promise<unknown[]> };
}

/** What one pass did, per provider; for tests and logs. */
export interface ReconcileReport {
  ran: boolean;
  leaksDestroyed: number;
  adopted: number;
  vanished: number;
  failed: number;
  /** Rentals that never ran, destroyed to be replaced (LaunchRequest.relaunch). */
  relaunched: number;
  /** Tailnet devices of ended instances removed. */
  tailscaleRemoved: number;
  unavailable: { provider: ProviderKind; reason: string }[];
}

/** Rows that may hold (or soon hold) a rental. */
const LIVE: readonly InstanceState[] = InstanceState.options.filter(
  (s) => s !== 'destroyed' && s !== 'failed',
);
const RUNNING: readonly InstanceState[] = ['booting', 'provisioning', 'ready', 'idle'];
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Repairs drift between the database and each provider: destroys rentals labelled for no live instance
 * (leaks, second rentals), adopts rentals of launches whose answer was lost, fails launches the provider
 * never saw, marks vanished instances, finishes stops and destroys the provider did not complete, and
 * destroys instances that never started. One pass runs at a time across all hubs sharing the database.
 * Provider calls never run inside a transaction.
 */
export class Reconciler {
  private readonly rows: LifecycleRepository;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly providers: ProviderRegistry,
    private readonly lifecycle: LifecycleService,
    private readonly options: ReconcilerOptions,
    private readonly log: FastifyBaseLogger,
  ) {
    this.rows = new LifecycleRepository(db);
    this.now = options.now ?? Date.now;
  }

  /** One pass over every configured provider; `ran: false` when another pass holds the lock. */
  async reconcileOnce(): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      ran: false,
      leaksDestroyed: 0,
      adopted: 0,
      vanished: 0,
      failed: 0,
      relaunched: 0,
      tailscaleRemoved: 0,
      unavailable: [],
    };
    report.ran = await withJobLock(this.db, JOB_LOCKS.reconciler, async () => {
      for (const kind of PROVIDER_KINDS) {
        let provider: ComputeProvider;
        try {
          provider = await this.providers.get(kind);
        } catch (error) {
          if (error instanceof ProviderNotConfiguredError) continue;
          throw error;
        }
        try {
          await this.reconcileProvider(provider, report);
        } catch (error) {
          if (!(error instanceof ProviderError)) throw error;
          report.unavailable.push({ provider: kind, reason: message(error) });
        }
      }
      try {
        report.tailscaleRemoved = (await this.options.tailscale?.removeStaleDevices())?.length ?? 0;
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        this.log.warn({ err: message(error) }, 'reconciler: removing stale tailnet devices failed');
      }
    });
    return report;
  }

  /** Runs `reconcileOnce` every `everyMs` (never overlapping); returns a stop function. */
  start(everyMs: number): () => void {
    return repeatEvery(
      everyMs,
      async () => {
        const report = await this.reconcileOnce();
        if (report.leaksDestroyed + report.adopted + report.vanished + report.failed + report.relaunched > 0)
          this.log.info({ report }, 'reconciler repaired drift');
      },
      (err) => this.log.warn({ err }, 'reconciler pass failed'),
    );
  }

  private async reconcileProvider(provider: ComputeProvider, report: ReconcileReport): Promise<void> {
    // Rows first, then the provider: a row changed after the snapshot is re-read before anything is decided.
    const before = await this.rows.listIn(provider.kind, LIVE);
    const listed = await provider.list();
    const live = listed.filter((i) => i.status !== 'gone');
    const ours = live.filter((i): i is ProviderInstance & { podpilotId: string } => i.podpilotId !== null);
    const current = new Map(
      (await this.rows.findMany([...new Set(ours.map((i) => i.podpilotId))])).map((r) => [r.id, r]),
    );
    const handled = new Set<string>();
    for (const instance of ours) {
      const row = current.get(instance.podpilotId);
      handled.add(instance.podpilotId);
      await this.instance(provider, instance, row ?? null, report).catch((error: unknown) => {
        if (!(error instanceof ProviderError)) throw error;
        this.log.warn({ err: message(error), instance: instance.id }, 'reconciler: provider call failed');
      });
      if (row && row.providerInstanceId === null) row.providerInstanceId = instance.id;
    }
    const byId = new Map(live.map((i) => [i.id, i]));
    for (const row of before) {
      if (handled.has(row.id)) continue;
      const fresh = await this.rows.find(row.id);
      if (!fresh || fresh.state !== row.state || fresh.providerInstanceId !== row.providerInstanceId)
        continue;
      if (row.providerInstanceId !== null && byId.has(row.providerInstanceId)) continue;
      await this.missing(provider, row, report);
    }
  }

  /** A labelled rental at the provider, and the row it names (null when no row exists). */
  private async instance(
    provider: ComputeProvider,
    instance: ProviderInstance,
    row: LifecycleRow | null,
    report: ReconcileReport,
  ): Promise<void> {
    const leak = async (why: string) => {
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
    };
    if (!row) return leak('labelled for an instance this hub does not know');
    if (row.state === 'destroyed') return leak('its instance was destroyed');
    if (row.providerInstanceId !== null && row.providerInstanceId !== instance.id)
      return leak(`a second rental for instance ${row.id} (which holds ${row.providerInstanceId})`);
    if (row.state === 'failed') {
      if (row.providerInstanceId === null) return leak('its launch had been given up');
      return leak(`its instance failed (${row.id})`);
    }
    if (row.providerInstanceId === null) {
      await this.lifecycle.attach(provider, row.id, instance, 'adopted by the reconciler');
      report.adopted++;
    }
    // Cost accounting needs the price the provider bills (a launch answer often lacks it).
    if (instance.pricePerHour !== null) await this.rows.refreshPrice(row.id, instance.pricePerHour);
    if (row.state === 'stopping' && row.desiredState === 'destroyed') {
      await this.lifecycle.finishDestroy(row.id);
      return;
    }
    if (row.relaunchPending !== null && row.state === 'launching') {
      await this.lifecycle.continueRelaunch(provider, row.id);
      return;
    }
    const neverRan = row.state === 'launching' || row.state === 'booting';
    if (instance.status === 'failed') {
      const why = `provider reports ${instance.rawStatus}`;
      if (neverRan && (await this.lifecycle.relaunch(provider, row, instance, why))) {
        report.relaunched++;
        return;
      }
      await this.rows.move(row.id, 'failed', `provider reports ${instance.rawStatus}`, {
        reason: `the provider reports the instance as ${instance.rawStatus}; it was destroyed`,
      });
      report.failed++;
      return leak(`the provider reports it as ${instance.rawStatus}`);
    }
    const age = this.now() - row.stateChangedAt.getTime();
    if (
      instance.status === 'starting' &&
      (row.state === 'launching' || row.state === 'booting') &&
      age > this.options.bootTimeoutMs
    ) {
      const why = `still ${instance.rawStatus} after ${Math.round(age / 60_000)} min`;
      if (await this.lifecycle.relaunch(provider, row, instance, why)) {
        report.relaunched++;
        return;
      }
      await this.rows.move(row.id, 'failed', 'never started', {
        reason: `still ${instance.rawStatus} after ${Math.round(age / 60_000)} min; destroyed`,
      });
      report.failed++;
      return leak('it never started');
    }
    if (row.state === 'stopping' && row.desiredState === 'stopped') {
      if (instance.status !== 'stopped' && isStoppable(provider)) await provider.stop(instance.id);
      await this.rows.move(row.id, 'stopped', 'provider stopped the instance (reconciler)', {
        from: ['stopping'],
      });
      return;
    }
    if (instance.status === 'stopped' && RUNNING.includes(row.state)) {
      await this.rows.move(row.id, 'stopped', 'stopped outside the hub (reconciler)', {
        from: RUNNING,
        desired: 'stopped',
      });
    }
  }

  /** A live row whose rental the provider's list does not show. */
  private async missing(
    provider: ComputeProvider,
    row: LifecycleRow,
    report: ReconcileReport,
  ): Promise<void> {
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
      await this.rows.move(row.id, 'failed', 'vanished', {
        from: [row.state],
        reason: `the provider no longer has instance ${row.providerInstanceId}`,
      });
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
