import { type BudgetStatus, CostsQuery, type CostsResponse, costsEndpoints } from '@podpilot/common';
import { parseFlags } from './flags.js';
import type { HubClient } from './hub-client.js';
import { formatTable } from './output.js';

/** `12.3` → `$12.30`. */
export const usd = (value: number): string => `$${value.toFixed(2)}`;

/** The `--month` flag checked against the hub's query schema; throws CliError naming the flag. */
export function costsQueryFromFlags(flags: { month?: string }): CostsQuery {
  return parseFlags(
    CostsQuery,
    { month: flags.month },
    { month: { flag: '--month', expected: 'expected a month as YYYY-MM, e.g. 2026-11' } },
    flags,
  );
}

/** `GET /api/costs` for a month (the current one when left out). */
export async function fetchCosts(hub: HubClient, query: CostsQuery): Promise<CostsResponse> {
  return hub.call(costsEndpoints.month, { query: { month: query.month || undefined } });
}

/**
 * `budget: $12.30 of $50.00 this month (25 %)`, with the state when it is not ok, or
 * `budget: no monthly cap ($12.30 this month)`.
 */
export function budgetLine(status: BudgetStatus): string {
  const cap = status.budgets.monthlyCapUsd;
  if (cap === null) return `budget: no monthly cap (${usd(status.monthSpentUsd)} this month)`;
  const state =
    status.state === 'exceeded'
      ? ' — exceeded: launches are refused and running instances stopped'
      : status.state === 'warning'
        ? ' — warning'
        : '';
  return `budget: ${usd(status.monthSpentUsd)} of ${usd(cap)} this month (${Math.round(status.monthPercent ?? 0)} %)${state}`;
}

/** The `podpilot cost` report: total, table by instance, table by profile, the budget line. */
export function formatCosts(costs: CostsResponse): string {
  const lines = [`${costs.month} (UTC): ${usd(costs.totalUsd)} total`, ''];
  if (costs.byInstance.length) {
    lines.push(
      formatTable(
        ['INSTANCE', 'PROVIDER', 'PROFILE', 'GPU HOURS', '$/H', '$'],
        costs.byInstance.map((i) => [
          i.name,
          i.provider,
          i.profile,
          i.gpuHours.toFixed(1),
          i.pricePerHour === null ? '?' : `$${i.pricePerHour.toFixed(3)}${i.priceUnknown ? '?' : ''}`,
          usd(i.usd),
        ]),
      ),
      formatTable(
        ['PROFILE', '$'],
        costs.byProfile.map((p) => [p.profile, usd(p.usd)]),
      ),
    );
    if (costs.byInstance.some((i) => i.priceUnknown))
      lines.push('?: part of the time had no known price and counts as $0', '');
  } else {
    lines.push(`No spend in ${costs.month}.`, '');
  }
  lines.push(budgetLine(costs.budget));
  return `${lines.join('\n')}\n`;
}
