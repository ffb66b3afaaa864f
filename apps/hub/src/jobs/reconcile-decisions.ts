import { cutToCodeUnits, inGroup, repairAgentText } from '@podpilot/common';
import type { ProviderInstance } from '../providers/provider.js';
import type { LifecycleRow } from '../repositories/lifecycle.repository.js';
import type { ProviderFacts } from '../repositories/provider-facts.repository.js';

// The reconciler's pure judgements of one labelled rental and its row; reconciler.ts acts on them.

/** Why a labelled rental must be destroyed although its row exists, or null when it is the row's own. */
export function leakReason(row: LifecycleRow, rentalId: string): string | null {
  if (row.state === 'destroyed') return 'its instance was destroyed';
  if (row.providerInstanceId !== null && row.providerInstanceId !== rentalId)
    return `a second rental for instance ${row.id} (which holds ${row.providerInstanceId})`;
  if (row.state === 'failed')
    return row.providerInstanceId === null
      ? 'its launch had been given up'
      : `its instance failed (${row.id})`;
  return null;
}

/** A rental that will not start, and how each record of it reads. */
export interface StartFailure {
  /** The relaunch's reason. */
  why: string;
  /** The transition's cause and the failed row's reason, when no relaunch replaces it. */
  cause: string;
  reason: string;
  /** Why the rental is destroyed. */
  leak: string;
}

/**
 * Whether the rental will never run: the provider reports it failed or ended, or it is still starting after the boot
 * timeout while its row waits for it (`ageMs`: how long the row has been in its state). Null otherwise.
 */
export function startFailure(
  rental: ProviderInstance,
  row: LifecycleRow,
  ageMs: number,
  bootTimeoutMs: number,
): StartFailure | null {
  const raw = rental.rawStatus;
  if (rental.status === 'failed' || rental.status === 'exited')
    return {
      why: `provider reports ${raw}`,
      cause: `provider reports ${raw}`,
      reason: `the provider reports the instance as ${raw}; it was destroyed`,
      leak: `the provider reports it as ${raw}`,
    };
  const waiting = row.state === 'launching' || row.state === 'booting';
  if (rental.status !== 'starting' || !waiting || ageMs <= bootTimeoutMs) return null;
  const minutes = Math.round(ageMs / 60_000);
  return {
    why: `still ${raw} after ${minutes} min`,
    cause: 'never started',
    reason: `still ${raw} after ${minutes} min; destroyed`,
    leak: 'it never started',
  };
}

/**
 * Why a rental that ended on its own (container exited, host lost) must be stopped with its disk rather
 * than replaced or destroyed: its instance has been ready, or holds outputs not synced yet (`keepsDisk`).
 * Null when that does not apply (a start failure, or a row the hub is already stopping).
 */
export function crashReason(rental: ProviderInstance, row: LifecycleRow, keepsDisk: boolean): string | null {
  if (!keepsDisk || !inGroup(row.state, 'stoppable')) return null;
  if (rental.status === 'exited') return `the container exited on its own (${rental.rawStatus})`;
  if (rental.status === 'failed') return `the provider reports the instance as ${rental.rawStatus}`;
  return null;
}

/** Provider text made storable (lone surrogates, NUL) and cut to `max` code units; null when empty. */
const providerText = (text: string | null | undefined, max: number): string | null => {
  const trimmed = text?.trim();
  return trimmed ? cutToCodeUnits(repairAgentText(trimmed), max) : null;
};

/** What the reconciler records of a rental: the provider's own words, made safe to store and show. */
export function providerFacts(rental: ProviderInstance): ProviderFacts {
  return {
    pricePerHour: rental.pricePerHour,
    storagePerHour: rental.stoppedStoragePerHour ?? null,
    gpuName: providerText(rental.gpuName, 100),
    gpuCount: rental.gpuCount,
    phase: providerText(rental.rawStatus, 100) ?? 'unknown',
    message: providerText(rental.statusMessage, 500),
    publicAddress: providerText(rental.publicIp, 100),
  };
}
