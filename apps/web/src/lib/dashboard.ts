import type { LiveInstance } from '@podpilot/common';
import { isActive } from './live';

type Summarized = Pick<LiveInstance, 'state' | 'pricePerHour' | 'costUsd' | 'stateChangedAt'>;

/** How long a failed instance stays among the current cards, its reason in view, before it counts as ended. */
export const FAILED_IN_VIEW_MS = 24 * 60 * 60 * 1000;

/**
 * The dashboard's groups and totals: current and ended instances, what runs, its hourly price, all spend.
 * Destroyed instances are ended; failed ones only a day after they failed (a new failure is news).
 */
export function summarizeInstances<T extends Summarized>(all: readonly T[], now = Date.now()) {
  const ended = (i: T) =>
    i.state === 'destroyed' ||
    (i.state === 'failed' && now - Date.parse(i.stateChangedAt) > FAILED_IN_VIEW_MS);
  const running = all.filter((i) => isActive(i.state));
  return {
    current: all.filter((i) => !ended(i)),
    ended: all.filter(ended),
    running: running.length,
    perHour: running.reduce((sum, i) => sum + (i.pricePerHour ?? 0), 0),
    spent: all.reduce((sum, i) => sum + i.costUsd, 0),
  };
}
