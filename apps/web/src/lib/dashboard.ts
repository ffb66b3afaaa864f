import type { LiveInstance } from '@podpilot/common';
import { isActive } from './live';

type Summarized = Pick<LiveInstance, 'state' | 'pricePerHour' | 'costUsd'>;

/** The dashboard's groups and totals: current and ended instances, what runs, its hourly price, all spend. */
export function summarizeInstances<T extends Summarized>(all: readonly T[]) {
  const ended = (i: T) => i.state === 'destroyed' || i.state === 'failed';
  const running = all.filter((i) => isActive(i.state));
  return {
    current: all.filter((i) => !ended(i)),
    ended: all.filter(ended),
    running: running.length,
    perHour: running.reduce((sum, i) => sum + (i.pricePerHour ?? 0), 0),
    spent: all.reduce((sum, i) => sum + i.costUsd, 0),
  };
}
