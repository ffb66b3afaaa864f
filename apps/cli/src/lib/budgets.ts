import { type BudgetStatus, Budgets, costsEndpoints } from '@podpilot/common';
import { CliError } from './cli-error.js';
import { budgetLine, usd } from './costs.js';
import { type FlagSpec, parseFlags } from './flags.js';
import type { HubClient } from './hub-client.js';

/** `podpilot budget set` flags, as commander hands them over (strings). */
export interface BudgetFlags {
  monthlyCap?: string;
  maxHours?: string;
  maxPrice?: string;
}

const FIELDS: Record<keyof BudgetFlags, keyof Budgets> = {
  monthlyCap: 'monthlyCapUsd',
  maxHours: 'maxHoursPerInstance',
  maxPrice: 'maxPricePerHour',
};

const SPECS: Record<keyof Budgets, FlagSpec> = {
  monthlyCapUsd: { flag: '--monthly-cap', expected: 'expected dollars above 0, e.g. 50, or "none"' },
  maxHoursPerInstance: {
    flag: '--max-hours',
    expected: `expected hours above 0 and at most ${24 * 366}, e.g. 12, or "none"`,
  },
  maxPricePerHour: {
    flag: '--max-price',
    expected: 'expected dollars per hour above 0, e.g. 0.6, or "none"',
  },
};

/**
 * The limits the flags change (`none` removes a limit), checked before anything is sent. Throws CliError
 * naming the flag for a bad value, or when no flag is given.
 */
export function budgetChangesFromFlags(flags: BudgetFlags): Partial<Budgets> {
  const given = Object.entries(flags).filter(
    (e): e is [keyof BudgetFlags, string] => e[0] in FIELDS && typeof e[1] === 'string',
  );
  if (!given.length) throw new CliError('budget set: give --monthly-cap, --max-hours or --max-price');
  const changes: Partial<Budgets> = {};
  const raw: Record<string, string> = {};
  for (const [flag, text] of given) {
    const field = FIELDS[flag];
    const value = text.trim().toLowerCase();
    raw[field] = text;
    if (value === 'none') changes[field] = null;
    else if (/^(\d+(\.\d*)?|\.\d+)$/.test(value)) changes[field] = Number(value);
    else throw new CliError(`${SPECS[field].flag}: ${SPECS[field].expected}, got "${text}"`);
  }
  return parseFlags(Budgets.partial(), changes, SPECS, raw);
}

/** `GET /api/budgets`. */
export const fetchBudget = (hub: HubClient): Promise<BudgetStatus> => hub.call(costsEndpoints.budget);

/** `PUT /api/budgets`: replaces all three limits. */
export const putBudget = (hub: HubClient, budgets: Budgets): Promise<BudgetStatus> =>
  hub.call(costsEndpoints.setBudget, { body: budgets });

/** `0.6` → `$0.60`, `0.605` → `$0.605`: two decimals, more only when they matter. */
const perHour = (value: number) => `$${value.toFixed(4).replace(/0{1,2}$/, '')}`;

/** The limits, one per line, then the month's budget line. */
export function formatBudget(status: BudgetStatus): string {
  const { monthlyCapUsd, maxHoursPerInstance, maxPricePerHour } = status.budgets;
  const rows: [string, string][] = [
    ['monthly cap', monthlyCapUsd === null ? 'none' : usd(monthlyCapUsd)],
    ['max GPU hours per instance', maxHoursPerInstance === null ? 'none' : `${maxHoursPerInstance} h`],
    ['max price per hour', maxPricePerHour === null ? 'none' : `${perHour(maxPricePerHour)}/h`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 3; // "label:" and two spaces
  const lines = rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`);
  return `${[...lines, budgetLine(status)].join('\n')}\n`;
}
