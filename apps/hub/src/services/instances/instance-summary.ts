import type { InstanceSummary, WebuiAccess } from '@podpilot/common';
import { iso, isoOrNull } from '../../lib/dates.js';
import type { InstanceRow } from '../../repositories/instances.repository.js';
import { GPU_BILLED_STATES } from '../costs/cost-intervals.js';
import { bootDeadlineOf, type DeadlineSettings, type LaunchTimeouts } from './deadline-rules.js';

/** The deadline rules the hub runs with (env: deadlines, launch and boot timeouts). */
export interface SummaryDeadlines {
  settings: DeadlineSettings;
  timeouts: LaunchTimeouts;
}

/** What a summary adds to its row: the cost so far, the way in, the deadline rules (none: no boot deadline). */
export interface SummaryExtras {
  costUsd: number;
  access: WebuiAccess | null;
  deadlines: SummaryDeadlines | undefined;
}

/**
 * The provider bills the GPU: in a GPU-billed state, or still `launching` once the provider reported the
 * rental running (cost-intervals.ts counts the same stretches).
 */
export const gpuBilled = (row: Pick<InstanceRow, 'state' | 'providerRunningAt'>): boolean =>
  GPU_BILLED_STATES.includes(row.state) || (row.state === 'launching' && row.providerRunningAt !== null);

/** One instance row as the owner sees it (InstanceSummary); every field named, nothing of the row leaks. */
export function instanceSummary(row: InstanceRow, extras: SummaryExtras): InstanceSummary {
  const deadline = extras.deadlines
    ? bootDeadlineOf({ ...row, lastAgentEventAt: null }, extras.deadlines.settings, extras.deadlines.timeouts)
    : null;
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    providerInstanceId: row.providerInstanceId,
    state: row.state,
    stateReason: row.stateReason,
    stopReason: row.stopReason,
    gpuName: row.gpuName,
    gpuCount: row.gpuCount,
    pricePerHour: row.pricePerHour,
    costUsd: extras.costUsd,
    createdAt: iso(row.createdAt),
    stateChangedAt: iso(row.stateChangedAt),
    access: extras.access,
    providerStatus:
      row.providerPhase === null
        ? null
        : {
            phase: row.providerPhase,
            message: row.providerStatusMsg,
            at: isoOrNull(row.providerStatusAt) ?? iso(row.stateChangedAt),
          },
    bootDeadlineAt: deadline ? iso(deadline.dueAt) : null,
    publicAddress: row.publicAddress,
    gpuBilled: gpuBilled(row),
  };
}
