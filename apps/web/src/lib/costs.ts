/** Pure helpers of the costs page: months (UTC, as the hub counts them), money, chart scales, sorting, budget form. */

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** True for `YYYY-MM` with a real month, the form `GET /api/costs?month=` takes. */
export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && MONTH.test(value);
}

/** The UTC month of `now` as `YYYY-MM` (the hub splits costs by UTC day). */
export function currentMonth(now: Date = new Date()): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** `month` moved by `delta` months: `addMonths('2026-01', -1)` is `2025-12`. */
export function addMonths(month: string, delta: number): string {
  const match = MONTH.exec(month);
  if (!match) throw new Error(`not a month: ${month}`);
  const index = Number(match[1]) * 12 + (Number(match[2]) - 1) + delta;
  const year = Math.floor(index / 12);
  const m = index - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

/** Negative when `a` is before `b`; `YYYY-MM` strings sort as text. */
export function compareMonths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const monthName = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayName = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** "November 2026". */
export function formatMonth(month: string): string {
  return monthName.format(new Date(`${month}-01T00:00:00Z`));
}

/** "Nov 3" for `2026-11-03`. */
export function formatDay(day: string): string {
  return dayName.format(new Date(`${day.slice(0, 10)}T00:00:00Z`));
}

/** The day of the month of `YYYY-MM-DD`, as a number. */
export function dayOfMonth(day: string): number {
  return Number(day.slice(8, 10));
}

/** Dollars with cents; a positive amount under a cent reads "< $0.01" rather than a misleading "$0.00". */
export function formatUsd(usd: number): string {
  if (usd > 0 && usd < 0.005) return '< $0.01';
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Short axis labels: "$0", "$2.50", "$1.2k". */
export function formatAxisUsd(usd: number): string {
  if (usd >= 1000) return `$${Number((usd / 1000).toFixed(1))}k`;
  if (Number.isInteger(usd)) return `$${usd}`;
  return `$${usd.toFixed(2)}`;
}

/** The smallest "round" number (1, 2, 2.5 or 5 × 10ⁿ) at or above `value`; 1 for nothing to show. */
export function niceCeiling(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * power;
    // Floating error: 0.3 / 0.1 must not become 3.0000000000000004 steps.
    if (candidate >= value * (1 - 1e-9)) return Number(candidate.toPrecision(12));
  }
  return 10 * power;
}

/** The y scale of a bar chart: a round top and evenly spaced ticks from 0 to it (`count` intervals). */
export function chartScale(values: number[], count = 4): { max: number; ticks: number[] } {
  const max = niceCeiling(Math.max(0, ...values));
  const ticks = Array.from({ length: count + 1 }, (_, i) => Number(((max * i) / count).toPrecision(12)));
  return { max, ticks };
}

/** Height of a bar for `value` on a scale topped at `max`, in a chart `height` tall; a visible sliver for any cost. */
export function barHeight(value: number, max: number, height: number, minVisible = 2): number {
  if (!(value > 0) || !(max > 0)) return 0;
  return Math.max(minVisible, Math.min(height, (value / max) * height));
}

export type SortDirection = 'asc' | 'desc';

/** Rows by dollars (ties by label, alphabetically), a new array. */
export function sortByUsd<T extends { usd: number }>(
  rows: readonly T[],
  direction: SortDirection,
  label: (row: T) => string,
): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => sign * (a.usd - b.usd) || label(a).localeCompare(label(b)));
}

/** Width of the budget bar in percent: 0 to 100, whatever was spent. */
export function progressWidth(percent: number | null): number {
  if (percent === null || !Number.isFinite(percent)) return 0;
  return Math.max(0, Math.min(100, percent));
}

/** A budget limit typed by the owner: empty means no limit; otherwise a number above 0. */
export function parseLimit(input: string): { value: number | null } | { error: string } {
  const text = input.trim().replace(/^\$/, '').trim();
  if (text === '') return { value: null };
  if (!/^\d*(\.\d*)?$/.test(text) || text === '.')
    return { error: 'Enter a number, or leave empty for no limit' };
  const value = Number(text);
  if (!(value > 0)) return { error: 'Enter a number above 0, or leave empty for no limit' };
  return { value };
}

/** A limit as the form shows it: empty for none. */
export function limitInput(value: number | null): string {
  return value === null ? '' : String(value);
}

/**
 * Splits the hub's validation issues into messages per form field (the first segment of each issue's path
 * after `body.`)
 * and the rest, which the form shows above its button.
 */
export function issuesByField<F extends string>(
  issues: readonly { path: string; message: string }[],
  fields: readonly F[],
): { fields: Partial<Record<F, string>>; other: string[] } {
  const byField: Partial<Record<F, string>> = {};
  const other: string[] = [];
  for (const issue of issues) {
    // The hub names where the problem is: `body.monthlyCapUsd`.
    const path = issue.path.replace(/^(body|querystring|params)\./, '');
    const head = path.split('.')[0] as F;
    if (fields.includes(head) && byField[head] === undefined) byField[head] = capitalize(issue.message);
    else other.push(path ? `${path}: ${issue.message}` : issue.message);
  }
  return { fields: byField, other };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The daily chart's summary in words: the highest day and the daily average, or no spend yet. */
export function spendSummary(month: string, days: readonly { day: string; usd: number }[]): string {
  const total = days.reduce((sum, d) => sum + d.usd, 0);
  const peak = days.reduce<{ day: string; usd: number } | null>(
    (best, d) => (d.usd > (best?.usd ?? 0) ? d : best),
    null,
  );
  const average = days.length ? total / days.length : 0;
  return peak
    ? `Highest: ${formatDay(peak.day)}, ${formatUsd(peak.usd)}. Daily average ${formatUsd(average)} over ${days.length} day${days.length === 1 ? '' : 's'}.`
    : `No spend on any day of ${formatMonth(month)} so far.`;
}
