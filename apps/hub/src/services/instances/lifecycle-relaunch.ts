import type { InstanceState } from '@podpilot/common';
import { NotYetTerminatedError } from '../../providers/errors.js';
import type { ComputeProvider, ProviderInstance } from '../../providers/provider.js';
import type {
  LaunchOffer,
  LifecycleRepository,
  LifecycleRow,
} from '../../repositories/lifecycle.repository.js';
import type { LifecycleRenter } from './lifecycle-rent.js';
import { type RelaunchBudget, relaunchLabel, replacementOffer } from './relaunch-offer.js';

/** States of an instance whose rental never reached running: a relaunch may replace it. */
const NEVER_RAN: readonly InstanceState[] = ['requested', 'launching', 'booting'];

/**
 * Relaunches of rentals that never ran: the old rental is destroyed first, and only once the provider no
 * longer has it is a replacement rented under the same label (so one instance never holds two GPUs).
 */
export class LifecycleRelauncher {
  constructor(
    private readonly rows: LifecycleRepository,
    private readonly renter: LifecycleRenter,
    /** Read at each relaunch: the budget a replacement offer must respect. */
    private readonly options: { budget?: RelaunchBudget },
  ) {}

  /**
   * Replaces a rental that never reached running (the provider reports it failed, or it never started):
   * when the row has a relaunch left, it goes back to `launching` (cause `relaunch k/n: <reason>`), the old
   * rental is destroyed, and once it is gone a replacement is rented under the same label. Returns false
   * when no relaunch is left (the caller fails the row as before).
   */
  async relaunch(
    provider: ComputeProvider,
    row: LifecycleRow,
    old: ProviderInstance,
    reason: string,
  ): Promise<boolean> {
    if (row.relaunchesLeft <= 0) return false;
    const known = row.offer ?? { id: 'unknown' };
    const offer: LaunchOffer = {
      ...known,
      gpuName: known.gpuName ?? old.gpuName,
      gpuCount: known.gpuCount ?? old.gpuCount,
      pricePerHour: known.pricePerHour ?? old.pricePerHour,
    };
    const started = await this.rows.startRelaunch(row.id, {
      from: NEVER_RAN,
      providerInstanceId: old.id,
      pending: reason,
      offer,
      cause: `${relaunchLabel(row)}: ${reason}; destroying ${provider.kind} instance ${old.id}`,
    });
    if (!started) return false;
    await this.continueRelaunch(provider, row.id);
    return true;
  }

  /**
   * Carries a pending relaunch on: destroys the old rental, and only once the provider no longer has it
   * rents a replacement offer (same label). Leaves it pending while the destroy is not finished; fails the
   * row when no replacement offer is found. Provider outages are thrown (the reconciler retries).
   */
  async continueRelaunch(provider: ComputeProvider, id: string): Promise<void> {
    const row = await this.rows.find(id);
    if (row?.state !== 'launching' || row.relaunchPending === null || row.providerInstanceId === null) return;
    const old = row.providerInstanceId;
    try {
      await provider.destroy(old);
    } catch (error) {
      if (!(error instanceof NotYetTerminatedError)) throw error;
    }
    const still = await provider.get(old);
    if (still && still.status !== 'gone') {
      await this.rows.event(id, 'info', 'relaunch-pending', `waiting for ${provider.kind} to destroy ${old}`);
      return;
    }
    const offer = row.offer ?? { id: 'unknown' };
    const next = await replacementOffer(provider, offer, row.launchSpec, this.options.budget);
    if (!next) {
      await this.rows.move(id, 'failed', 'no replacement offer', {
        from: ['launching'],
        reason: `no replacement offer (${row.relaunchPending}); the instance was destroyed`,
      });
      return;
    }
    if (!(await this.rows.finishRelaunchDestroy(id, old, { ...next.offer, id: next.id }))) return;
    await this.rows.event(
      id,
      'info',
      'relaunch',
      `${provider.kind} instance ${old} is gone; renting ${next.id}`,
    );
    await this.renter.rent(provider, id, next.id, row.launchSpec ?? { image: '', diskGb: 60 });
  }
}
