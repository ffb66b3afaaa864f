import { InstanceState, errorMessage as message } from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/db.js';
import { JOB_LOCKS, withJobLock } from '../db/job-lock.js';
import { ProviderError } from '../providers/errors.js';
import type { ComputeProvider, ProviderInstance } from '../providers/provider.js';
import { PROVIDER_KINDS, ProviderNotConfiguredError, type ProviderRegistry } from '../providers/registry.js';
import { LifecycleRepository } from '../repositories/lifecycle.repository.js';
import { ProviderFactsRepository } from '../repositories/provider-facts.repository.js';
import type { LifecycleService } from '../services/instances/lifecycle.service.js';
import { type ReconcileReport, RentalReconciler } from './reconcile-rental.js';
import { repeatEvery } from './repeat.js';

export type { ReconcileReport } from './reconcile-rental.js';

export interface ReconcilerOptions {
  /** A launch without a provider instance older than this is resolved by label (adopted or failed). */
  launchTimeoutMs: number;
  /** An instance the provider still shows as `starting` after this long is destroyed and marked failed. */
  bootTimeoutMs: number;
  now?: () => number;
  /** Removes tailnet devices of instances that are gone (TailscaleService). */
  tailscale?: { removeStaleDevices(): Promise<unknown[]> };
}

/** Rows that may hold (or soon hold) a rental. */
const LIVE: readonly InstanceState[] = InstanceState.options.filter(
  (s) => s !== 'destroyed' && s !== 'failed',
);

/**
 * Repairs drift between the database and each provider: destroys rentals labelled for no live instance
 * (leaks, second rentals), adopts rentals of launches whose answer was lost, fails launches the provider
 * never saw, marks vanished instances, finishes stops and destroys the provider did not complete, and
 * destroys instances that never started. One pass runs at a time across all hubs sharing the database.
 * Provider calls never run inside a transaction.
 */
export class Reconciler {
  private readonly rows: LifecycleRepository;
  private readonly rentals: RentalReconciler;

  constructor(
    private readonly db: Db,
    private readonly providers: ProviderRegistry,
    lifecycle: LifecycleService,
    private readonly options: ReconcilerOptions,
    private readonly log: FastifyBaseLogger,
  ) {
    this.rows = new LifecycleRepository(db);
    const now = options.now ?? Date.now;
    const facts = new ProviderFactsRepository(db);
    this.rentals = new RentalReconciler({ rows: this.rows, facts, lifecycle, options, now, log });
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
      crashed: 0,
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

  /** One provider: each labelled rental against its row, then each live row whose rental is not listed. */
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
      await this.rentals.labelled(provider, instance, row ?? null, report).catch((error: unknown) => {
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
      await this.rentals.missing(provider, row, report);
    }
  }
}
