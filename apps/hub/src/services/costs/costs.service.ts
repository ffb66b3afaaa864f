import type { CostsResponse, InstanceCost } from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { CostsRepository, type CostTransitionRow } from '../../repositories/costs.repository.js';
import { type BillingStart, ProviderFactsRepository } from '../../repositories/provider-facts.repository.js';
import {
  type CostWindow,
  daysOf,
  type InstanceCostFacts,
  instanceCost,
  monthWindow,
  round6,
  STORAGE_BILLED_STATES,
} from './cost-intervals.js';

/** Whole-life cost of one instance. */
export interface InstanceTotal {
  usd: number;
  gpuHours: number;
}

/**
 * What instances cost, read from their state transitions.
 *
 * **Cost rule.** The GPU costs from the moment the provider bills it: Vast.ai bills the GPU while the instance
 * is running (not while it loads its image) and Runpod while the pod runs, both per second. Each instance's
 * transitions are walked in time order; the interval from one transition to the next (the last one up to
 * `now`) is in the state it entered.
 * - GPU-billed states: `booting, provisioning, ready, idle, stopping`, and `launching` from when the provider
 *   reported the rental running (`instance_transitions.provider_billed_at`, set by the reconciler), at the
 *   transition's `price_per_hour`, or the instance's current `price_per_hour` when the transition has none.
 * - Storage-billed states: the GPU-billed ones and `stopped` (a stopped instance still pays for its disk), at
 *   `instances.storage_price_per_hour` (null = 0). Vast.ai bills the disk from creation: the minutes of an
 *   image pull before the rental runs are not counted (a fraction of a cent).
 * - A GPU-billed interval with no known GPU price counts 0 for the GPU and sets `priceUnknown`.
 * - Intervals are clipped to the requested UTC month and split by UTC day for `byDay`.
 * Amounts are dollars, rounded to 6 decimals in answers. The arithmetic is `instanceCost` in
 * `cost-intervals.ts`.
 *
 * Read-only: every method is idempotent and throws only the database's errors.
 */
export class CostsService {
  private readonly repo: CostsRepository;

  private readonly facts: ProviderFactsRepository;

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.repo = new CostsRepository(db);
    this.facts = new ProviderFactsRepository(db);
  }

  /**
   * Spend of the UTC month `YYYY-MM` (the current one when left out; the caller has validated the format) by
   * instance (most expensive first), by profile and by day (every day of the month up to today). An
   * instance's `pricePerHour` is its GPU price in force at the end of its last GPU-billed stretch in the
   * month, else its current price.
   */
  async month(month?: string): Promise<Omit<CostsResponse, 'budget'>> {
    const now = this.now();
    const window = monthWindow(month, now);
    const end = Math.min(window.to, now);
    // `launching` too: it bills from the provider's billing start (instances without one are left out below).
    const states = [...STORAGE_BILLED_STATES, 'launching'];
    const rows =
      window.from < end
        ? await this.repo.transitionsOverlapping(new Date(window.from), new Date(end), states)
        : [];
    const starts = await this.startsOf(rows);
    const byInstance: InstanceCost[] = [];
    const byProfile = new Map<string | null, number>();
    const byDay = new Map(daysOf(window, now).map((day) => [day, 0]));
    for (const group of groupByInstance(rows)) {
      const cost = instanceCost(factsOf(group, starts), window, now);
      if (!cost.billed) continue;
      const first = group[0] as CostTransitionRow;
      byInstance.push({
        instanceId: first.instanceId,
        name: first.name,
        provider: first.provider,
        profile: first.profile,
        usd: round6(cost.usd),
        gpuHours: round6(cost.gpuHours),
        pricePerHour: cost.lastGpuPrice ?? first.instancePricePerHour,
        priceUnknown: cost.priceUnknown,
      });
      byProfile.set(first.profile, (byProfile.get(first.profile) ?? 0) + cost.usd);
      for (const [day, usd] of cost.byDay) if (byDay.has(day)) byDay.set(day, (byDay.get(day) ?? 0) + usd);
    }
    byInstance.sort((a, b) => b.usd - a.usd || a.name.localeCompare(b.name));
    return {
      month: window.month,
      currency: 'USD',
      totalUsd: round6(byInstance.reduce((sum, i) => sum + i.usd, 0)),
      byInstance,
      byProfile: [...byProfile]
        .map(([profile, usd]) => ({ profile, usd: round6(usd) }))
        .sort((a, b) => b.usd - a.usd || String(a.profile).localeCompare(String(b.profile))),
      byDay: [...byDay].map(([day, usd]) => ({ day, usd: round6(usd) })),
    };
  }

  /**
   * Whole-life dollars and GPU-billed hours up to now of the given instances (all instances with a
   * transition when left out); an instance without any transition maps to zeros.
   */
  async totals(ids?: string[]): Promise<Map<string, InstanceTotal>> {
    const now = this.now();
    const life: CostWindow = { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };
    const totals = new Map<string, InstanceTotal>((ids ?? []).map((id) => [id, { usd: 0, gpuHours: 0 }]));
    if (ids?.length === 0) return totals;
    const rows = await this.repo.transitionsOf(ids);
    const starts = await this.startsOf(rows);
    for (const group of groupByInstance(rows)) {
      const cost = instanceCost(factsOf(group, starts), life, now);
      totals.set((group[0] as CostTransitionRow).instanceId, {
        usd: round6(cost.usd),
        gpuHours: round6(cost.gpuHours),
      });
    }
    return totals;
  }

  /** The provider billing starts of the instances in `rows`. */
  private async startsOf(rows: CostTransitionRow[]): Promise<Starts> {
    if (rows.length === 0) return new Map();
    return byInstance(await this.facts.billingStarts([...new Set(rows.map((r) => r.instanceId))]));
  }
}

/** Billing starts (epoch ms) by instance. */
type Starts = Map<string, number[]>;

/** Rows ordered by instance, split into one array per instance. */
function groupByInstance(rows: CostTransitionRow[]): CostTransitionRow[][] {
  const groups: CostTransitionRow[][] = [];
  for (const row of rows) {
    const last = groups.at(-1);
    if (last?.[0]?.instanceId === row.instanceId) last.push(row);
    else groups.push([row]);
  }
  return groups;
}

const factsOf = (group: CostTransitionRow[], starts: Starts): InstanceCostFacts => ({
  pricePerHour: group[0]?.instancePricePerHour ?? null,
  storagePricePerHour: group[0]?.storagePricePerHour ?? null,
  transitions: group.map((r) => ({ toState: r.toState, at: r.at.getTime(), pricePerHour: r.pricePerHour })),
  gpuBillingStarts: starts.get(group[0]?.instanceId ?? '') ?? [],
});

function byInstance(starts: BillingStart[]): Starts {
  const map: Starts = new Map();
  for (const { instanceId, at } of starts)
    map.set(instanceId, [...(map.get(instanceId) ?? []), at.getTime()]);
  return map;
}
