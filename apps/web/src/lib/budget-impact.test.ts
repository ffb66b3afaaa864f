import type { BudgetStatus } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { budgetImpact, formatHours, launchBlocked } from './budget-impact';

const status = (
  over: Partial<Omit<BudgetStatus, 'budgets'>> & { budgets?: Partial<BudgetStatus['budgets']> } = {},
): BudgetStatus => {
  const budgets = { monthlyCapUsd: 50, maxHoursPerInstance: null, maxPricePerHour: null, ...over.budgets };
  const spent = over.monthSpentUsd ?? 10;
  return {
    month: '2026-11',
    monthSpentUsd: spent,
    monthPercent: budgets.monthlyCapUsd === null ? null : (spent / budgets.monthlyCapUsd) * 100,
    state: 'ok',
    ...over,
    budgets,
  };
};

describe('budgetImpact', () => {
  it('adds an hour and eight hours to this month against the cap', () => {
    const impact = budgetImpact(status(), 0.5);
    expect(impact.oneHourUsd).toBe(0.5);
    expect(impact.eightHoursUsd).toBe(4);
    expect(impact.afterOneHourUsd).toBe(10.5);
    expect(impact.afterEightHoursUsd).toBe(14);
    expect(impact.percentNow).toBe(20);
    expect(impact.percentAfterEightHours).toBeCloseTo(28);
    expect(impact.hoursUntilCap).toBe(80);
    expect(impact.warnings).toEqual([]);
    expect(launchBlocked(impact)).toBe(false);
  });

  it('has no percentages or hours left without a cap', () => {
    const impact = budgetImpact(status({ budgets: { monthlyCapUsd: null } }), 2);
    expect(impact.percentAfterOneHour).toBeNull();
    expect(impact.hoursUntilCap).toBeNull();
    expect(impact.warnings).toEqual([]);
  });

  it('blocks an offer above the max price, like the hub', () => {
    const impact = budgetImpact(status({ budgets: { maxPricePerHour: 0.8 } }), 0.81);
    expect(impact.warnings.map((w) => w.kind)).toEqual(['over_max_price']);
    expect(launchBlocked(impact)).toBe(true);
    expect(launchBlocked(budgetImpact(status({ budgets: { maxPricePerHour: 0.8 } }), 0.8))).toBe(false);
  });

  it('blocks every launch once the cap is spent, even a free one', () => {
    const impact = budgetImpact(status({ monthSpentUsd: 50, state: 'exceeded' }), 0);
    expect(impact.warnings.map((w) => w.kind)).toEqual(['cap_exceeded']);
    expect(launchBlocked(impact)).toBe(true);
  });

  it('warns when the cap is reached within an hour or within eight', () => {
    expect(budgetImpact(status({ monthSpentUsd: 49.8 }), 0.5).warnings[0]?.kind).toBe('cap_within_hour');
    const eight = budgetImpact(status({ monthSpentUsd: 48 }), 0.5);
    expect(eight.warnings[0]?.kind).toBe('cap_within_8h');
    expect(eight.warnings[0]?.message).toContain('4 h');
    expect(launchBlocked(eight)).toBe(false);
  });

  it('passes on the hub warning from 80 % of the cap', () => {
    const impact = budgetImpact(status({ monthSpentUsd: 42, state: 'warning' }), 0.1);
    expect(impact.warnings.map((w) => w.kind)).toEqual(['near_cap']);
    expect(impact.warnings[0]?.message).toContain('84 %');
  });

  it('never counts a free offer as reaching the cap', () => {
    expect(budgetImpact(status({ monthSpentUsd: 49.9 }), 0).hoursUntilCap).toBeNull();
  });
});

describe('formatHours', () => {
  it('reads well', () => {
    expect(formatHours(0.25)).toBe('15 min');
    expect(formatHours(0)).toBe('1 min');
    expect(formatHours(3.46)).toBe('3.5 h');
    expect(formatHours(4)).toBe('4 h');
    expect(formatHours(80.4)).toBe('80 h');
  });
});
