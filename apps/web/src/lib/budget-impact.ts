import type { BudgetStatus } from '@podpilot/common';

export type BudgetWarningKind =
  | 'over_max_price'
  | 'cap_exceeded'
  | 'cap_within_hour'
  | 'cap_within_8h'
  | 'near_cap';

export interface BudgetWarning {
  kind: BudgetWarningKind;
  /** `true` when the hub will refuse the launch (409 budget_exceeded). */
  blocks: boolean;
  message: string;
}

export interface BudgetImpact {
  pricePerHour: number;
  spentUsd: number;
  capUsd: number | null;
  /** Dollars one hour / eight hours of this offer add. */
  oneHourUsd: number;
  eightHoursUsd: number;
  /** This month's spend after one / eight hours, and as a percentage of the cap (null without a cap). */
  afterOneHourUsd: number;
  afterEightHoursUsd: number;
  percentNow: number | null;
  percentAfterOneHour: number | null;
  percentAfterEightHours: number | null;
  /** Hours this offer can run before the month's cap is reached; null without a cap or for a free offer. */
  hoursUntilCap: number | null;
  maxPricePerHour: number | null;
  maxHoursPerInstance: number | null;
  warnings: BudgetWarning[];
}

const usd = (value: number) => `$${value.toFixed(2)}`;

/** "45 min", "3.5 h", "12 h". */
export function formatHours(hours: number): string {
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  return hours < 10 ? `${Number(hours.toFixed(1))} h` : `${Math.round(hours)} h`;
}

/**
 * What renting at `pricePerHour` does to this month's budget: the cost of an hour and of eight, the spend
 * after each against the cap, and warnings — those marked `blocks` are the ones the hub refuses with 409
 * `budget_exceeded` (a price above the max $/h, or a cap already spent).
 */
export function budgetImpact(status: BudgetStatus, pricePerHour: number): BudgetImpact {
  const { monthlyCapUsd: cap, maxPricePerHour, maxHoursPerInstance } = status.budgets;
  const spent = status.monthSpentUsd;
  const percent = (value: number) => (cap === null ? null : (value / cap) * 100);
  const oneHour = pricePerHour;
  const eightHours = pricePerHour * 8;
  const left = cap === null ? null : cap - spent;
  const hoursUntilCap = left === null || pricePerHour <= 0 ? null : Math.max(0, left / pricePerHour);

  const warnings: BudgetWarning[] = [];
  if (maxPricePerHour !== null && pricePerHour > maxPricePerHour) {
    warnings.push({
      kind: 'over_max_price',
      blocks: true,
      message: `${usd(pricePerHour)}/h is above your budget's max of ${usd(maxPricePerHour)}/h: the hub will refuse this launch. Pick a cheaper offer or raise the max in the budget.`,
    });
  }
  if (cap !== null && (status.state === 'exceeded' || spent >= cap)) {
    warnings.push({
      kind: 'cap_exceeded',
      blocks: true,
      message: `This month's cap of ${usd(cap)} is spent (${usd(spent)}): the hub refuses new launches until you raise the cap or the month ends.`,
    });
  } else if (cap !== null && hoursUntilCap !== null && hoursUntilCap < 1) {
    warnings.push({
      kind: 'cap_within_hour',
      blocks: false,
      message: `Only ${usd(cap - spent)} of this month's ${usd(cap)} cap is left: this offer reaches it in ${formatHours(hoursUntilCap)}, and then every running instance is stopped.`,
    });
  } else if (cap !== null && hoursUntilCap !== null && hoursUntilCap < 8) {
    warnings.push({
      kind: 'cap_within_8h',
      blocks: false,
      message: `This offer reaches this month's ${usd(cap)} cap after ${formatHours(hoursUntilCap)}; then every running instance is stopped.`,
    });
  } else if (status.state === 'warning') {
    warnings.push({
      kind: 'near_cap',
      blocks: false,
      message: `This month's spend is at ${Math.round(status.monthPercent ?? 0)} % of the ${usd(cap ?? 0)} cap.`,
    });
  }

  return {
    pricePerHour,
    spentUsd: spent,
    capUsd: cap,
    oneHourUsd: oneHour,
    eightHoursUsd: eightHours,
    afterOneHourUsd: spent + oneHour,
    afterEightHoursUsd: spent + eightHours,
    percentNow: percent(spent),
    percentAfterOneHour: percent(spent + oneHour),
    percentAfterEightHours: percent(spent + eightHours),
    hoursUntilCap,
    maxPricePerHour,
    maxHoursPerInstance,
    warnings,
  };
}

/** Whether the hub will refuse a launch at this price (the same rules as the hub's `assertLaunchAllowed`). */
export const launchBlocked = (impact: BudgetImpact): boolean => impact.warnings.some((w) => w.blocks);

/** "$1.23"; cents for amounts under a dollar stay visible ("$0.07"). */
export const formatUsd = (value: number): string => usd(value);
