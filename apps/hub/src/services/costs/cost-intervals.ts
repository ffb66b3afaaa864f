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
  /**
   * When the provider started billing the GPU of a rental while the instance was still `launching` (it reported
   * the rental running before the agent registered), epoch ms; none: `launching` costs nothing.
   */
  gpuBillingStarts?: readonly number[];
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
  /** True when any billed stretch (GPU or storage) lay within the window. */
  billed: boolean;
}

/** `YYYY-MM-DD` of the UTC day holding `ms`. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Where the provider's billing of a state's interval `[at, next)` starts, and whether it bills the GPU; null
 * when it bills nothing. `launching` is billed (GPU and storage) from the provider's billing start within it.
 */
function billedStretch(
  transition: CostTransition,
  next: number,
  gpuBillingStarts: readonly number[],
): { from: number; gpu: boolean } | null {
  const state = transition.toState as InstanceState;
  if (GPU_BILLED_STATES.includes(state)) return { from: transition.at, gpu: true };
  if (STORAGE_BILLED_STATES.includes(state)) return { from: transition.at, gpu: false };
  if (state !== 'launching') return null;
  const start = gpuBillingStarts.find((at) => at >= transition.at && at < next);
  return start === undefined ? null : { from: start, gpu: true };
}

/**
 * The cost of one instance within `window`, up to `now`. Pure; never throws.
 *
 * Each transition opens an interval in the state it entered, closed by the next transition (the last one by
 * `now`). A `launching` interval is GPU-billed from a provider billing start within it (`gpuBillingStarts`:
 * the provider reported the rental running) and free without one. GPU-billed intervals cost `(transition price ?? current price) + storage price` per hour,
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
    billed: false,
  };
  const end = Math.min(window.to, now);
  const storagePrice = facts.storagePricePerHour ?? 0;
  facts.transitions.forEach((transition, i) => {
    const next = facts.transitions[i + 1]?.at ?? now;
    const stretch = billedStretch(transition, next, facts.gpuBillingStarts ?? []);
    if (!stretch) return;
    const gpuBilled = stretch.gpu;
    const start = Math.max(stretch.from, window.from);
    const stop = Math.min(next, end);
    if (stop <= start) return;
    result.billed = true;
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
