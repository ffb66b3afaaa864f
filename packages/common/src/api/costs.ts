import * as z from 'zod';

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM, e.g. 2026-11');

/** `GET /api/costs?month=YYYY-MM` (UTC month; the current one when left out). */
export const CostsQuery = z.object({ month: Month.optional() });
export type CostsQuery = z.infer<typeof CostsQuery>;

export const InstanceCost = z.object({
  instanceId: z.string(),
  name: z.string(),
  provider: z.string(),
  profile: z.string().nullable(),
  /** Dollars accrued within the period. */
  usd: z.number().nonnegative(),
  /** Hours the GPU was billed within the period (rented and not stopped). */
  gpuHours: z.number().nonnegative(),
  pricePerHour: z.number().nullable(),
  /** True when part of the period had no known price (counted as 0). */
  priceUnknown: z.boolean(),
});
export type InstanceCost = z.infer<typeof InstanceCost>;

/** Owner-set limits; null means no limit. */
export const Budgets = z
  .object({
    monthlyCapUsd: z.number().positive('expected dollars above 0, or null for no cap').nullable(),
    maxHoursPerInstance: z
      .number()
      .positive('expected hours above 0, or null for no limit')
      .max(24 * 366, 'expected at most a year of hours')
      .nullable(),
    maxPricePerHour: z
      .number()
      .positive('expected dollars per hour above 0, or null for no limit')
      .nullable(),
  })
  .strict();
export type Budgets = z.infer<typeof Budgets>;

export const BudgetStatus = z.object({
  budgets: Budgets,
  month: Month,
  monthSpentUsd: z.number().nonnegative(),
  /** Spent / cap × 100; null without a cap. */
  monthPercent: z.number().nonnegative().nullable(),
  /** `warning` from 80 % of the cap, `exceeded` from 100 % (launches refused, running instances stopped). */
  state: z.enum(['ok', 'warning', 'exceeded']),
});
export type BudgetStatus = z.infer<typeof BudgetStatus>;

/** `GET /api/costs`: spend of one month by instance, profile and day, with the budget's state. */
export const CostsResponse = z.object({
  month: Month,
  currency: z.literal('USD'),
  totalUsd: z.number().nonnegative(),
  byInstance: z.array(InstanceCost),
  byProfile: z.array(z.object({ profile: z.string().nullable(), usd: z.number().nonnegative() })),
  /** Every day of the month up to today (or the month's end), UTC, oldest first. */
  byDay: z.array(z.object({ day: z.string(), usd: z.number().nonnegative() })),
  budget: BudgetStatus,
});
export type CostsResponse = z.infer<typeof CostsResponse>;
