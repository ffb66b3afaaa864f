import type { InstanceState } from '@podpilot/common';

/** States in which the provider bills the GPU (rented and not stopped). */
export const GPU_BILLED_STATES: readonly InstanceState[] = [
  'booting',
  'provisioning',
  'ready',
  'idle',
  'stopping',
];

/** States in which the provider bills the disk: a stopped instance still pays for its storage. */
export const STORAGE_BILLED_STATES: readonly InstanceState[] = [...GPU_BILLED_STATES, 'stopped'];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** One state change of an instance, as cost accounting needs it. */
export interface CostTransition {
  /** The state entered. */
  toState: string;
  /** Epoch milliseconds. */
  at: number;
  /** The GPU price in force from this transition on; null when it was not recorded. */
  pricePerHour: number | null;
}

/** What is known about one instance's prices and its timeline. */
export interface InstanceCostFacts {
  /** The instance's current GPU price: the fallback for transitions without one. */
  pricePerHour: number | null;
  /** Disk price per hour; null counts as 0. */
  storagePricePerHour: number | null;
  /** In time order (ties in insertion order). */
  transitions: readonly CostTransition[];
}

/** A half-open period `[from, to)` in epoch milliseconds. */
export interface CostWindow {
  from: number;
  to: number;
}

export interface IntervalCost {
  /** Dollars within the window (not rounded). */
  usd: number;
  /** Hours in a GPU-billed state within the window. */
  gpuHours: number;
  /** True when a GPU-billed stretch within the window had no known price (counted as 0). */
  priceUnknown: boolean;
  /** The GPU price of the last GPU-billed stretch within the window, or null when there was none. */
  lastGpuPrice: number | null;
  /** Dollars by UTC day (`YYYY-MM-DD`), only days with a billed stretch. */
  byDay: Map<string, number>;
}

/** `YYYY-MM-DD` of the UTC day holding `ms`. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The cost of one instance within `window`, up to `now`. Pure; never throws.
 *
 * Each transition opens an interval in the state it entered, closed by the next transition (the last one by
 * `now`). GPU-billed intervals cost `(transition price ?? current price) + storage price` per hour,
 * storage-only intervals (`stopped`) cost the storage price, all others nothing. A GPU-billed interval with no
 * known GPU price adds only its storage price and sets `priceUnknown`. Intervals are clipped to
 * `[window.from, min(window.to, now))` and split at UTC midnights for `byDay`.
 */
export function instanceCost(facts: InstanceCostFacts, window: CostWindow, now: number): IntervalCost {
  const result: IntervalCost = {
    usd: 0,
    gpuHours: 0,
    priceUnknown: false,
    lastGpuPrice: null,
    byDay: new Map(),
  };
  const end = Math.min(window.to, now);
  const storagePrice = facts.storagePricePerHour ?? 0;
  facts.transitions.forEach((transition, i) => {
    const state = transition.toState as InstanceState;
    const gpuBilled = GPU_BILLED_STATES.includes(state);
    if (!gpuBilled && !STORAGE_BILLED_STATES.includes(state)) return;
    const start = Math.max(transition.at, window.from);
    const stop = Math.min(facts.transitions[i + 1]?.at ?? now, end);
    if (stop <= start) return;
    const gpuPrice = gpuBilled ? (transition.pricePerHour ?? facts.pricePerHour) : 0;
    if (gpuBilled) {
      result.gpuHours += (stop - start) / HOUR_MS;
      if (gpuPrice === null) result.priceUnknown = true;
      else result.lastGpuPrice = gpuPrice;
    }
    const perHour = (gpuPrice ?? 0) + storagePrice;
    for (let from = start; from < stop; ) {
      const to = Math.min(stop, Math.floor(from / DAY_MS) * DAY_MS + DAY_MS);
      const usd = ((to - from) / HOUR_MS) * perHour;
      result.usd += usd;
      const day = utcDay(from);
      result.byDay.set(day, (result.byDay.get(day) ?? 0) + usd);
      from = to;
    }
  });
  return result;
}

/** The UTC month `YYYY-MM` as a window, or the month holding `now` when left out. */
export function monthWindow(month: string | undefined, now: number): CostWindow & { month: string } {
  const key = month ?? new Date(now).toISOString().slice(0, 7);
  const [year, mon] = key.split('-').map(Number) as [number, number];
  return { month: key, from: Date.UTC(year, mon - 1, 1), to: Date.UTC(year, mon, 1) };
}

/** Every UTC day of `window` that has begun by `now`, oldest first. */
export function daysOf(window: CostWindow, now: number): string[] {
  const days: string[] = [];
  for (let day = window.from; day < window.to && day <= now; day += DAY_MS) days.push(utcDay(day));
  return days;
}

/** Rounds dollars or hours to 6 decimals for answers. */
export const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;
