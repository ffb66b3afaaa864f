import { describe, expect, it } from 'vitest';
import {
  addMonths,
  barHeight,
  chartScale,
  compareMonths,
  currentMonth,
  dayOfMonth,
  formatAxisUsd,
  formatDay,
  formatMonth,
  formatUsd,
  isMonth,
  issuesByField,
  limitInput,
  niceCeiling,
  parseLimit,
  progressWidth,
  sortByUsd,
  spendSummary,
} from './costs';

describe('months', () => {
  it('recognises YYYY-MM only', () => {
    expect(isMonth('2026-11')).toBe(true);
    expect(isMonth('2026-13')).toBe(false);
    expect(isMonth('2026-00')).toBe(false);
    expect(isMonth('2026-1')).toBe(false);
    expect(isMonth(undefined)).toBe(false);
  });

  it('takes the UTC month', () => {
    expect(currentMonth(new Date('2026-11-30T23:30:00Z'))).toBe('2026-11');
    expect(currentMonth(new Date('2026-12-01T00:00:00Z'))).toBe('2026-12');
  });

  it('moves across years both ways', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(addMonths('2026-05', 0)).toBe('2026-05');
    expect(addMonths('2026-05', -17)).toBe('2024-12');
    expect(addMonths('2026-05', 24)).toBe('2028-05');
    expect(() => addMonths('nope', 1)).toThrow();
  });

  it('compares and names months and days', () => {
    expect(compareMonths('2026-01', '2026-02')).toBeLessThan(0);
    expect(compareMonths('2026-02', '2026-02')).toBe(0);
    expect(compareMonths('2027-01', '2026-12')).toBeGreaterThan(0);
    expect(formatMonth('2026-11')).toBe('November 2026');
    expect(formatDay('2026-11-03')).toBe('Nov 3');
    expect(dayOfMonth('2026-11-03')).toBe(3);
  });
});

describe('money', () => {
  it('formats dollars', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.001)).toBe('< $0.01');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatAxisUsd(0)).toBe('$0');
    expect(formatAxisUsd(2.5)).toBe('$2.50');
    expect(formatAxisUsd(1500)).toBe('$1.5k');
  });
});

describe('spend summary', () => {
  it('names the highest day and the daily average', () => {
    const days = [
      { day: '2026-11-01', usd: 1 },
      { day: '2026-11-02', usd: 3 },
    ];
    expect(spendSummary('2026-11', days)).toBe(
      `Highest: ${formatDay('2026-11-02')}, $3.00. Daily average $2.00 over 2 days.`,
    );
  });

  it('says when nothing was spent', () => {
    expect(spendSummary('2026-11', [{ day: '2026-11-01', usd: 0 }])).toBe(
      `No spend on any day of ${formatMonth('2026-11')} so far.`,
    );
  });
});

describe('chart scale', () => {
  it('rounds the top up to 1, 2, 2.5 or 5 × 10ⁿ', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(Number.NaN)).toBe(1);
    expect(niceCeiling(0.3)).toBe(0.5);
    expect(niceCeiling(1)).toBe(1);
    expect(niceCeiling(1.2)).toBe(2);
    expect(niceCeiling(2.2)).toBe(2.5);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(43)).toBe(50);
    expect(niceCeiling(0.0042)).toBe(0.005);
  });

  it('spaces ticks evenly from 0', () => {
    expect(chartScale([1.2, 3.4, 0])).toEqual({ max: 5, ticks: [0, 1.25, 2.5, 3.75, 5] });
    expect(chartScale([])).toEqual({ max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] });
    expect(chartScale([0.3], 3).ticks).toEqual([0, 0.166666666667, 0.333333333333, 0.5]);
  });

  it('sizes bars, with a sliver for tiny costs', () => {
    expect(barHeight(0, 10, 100)).toBe(0);
    expect(barHeight(5, 10, 100)).toBe(50);
    expect(barHeight(0.001, 10, 100)).toBe(2);
    expect(barHeight(20, 10, 100)).toBe(100);
    expect(barHeight(1, 0, 100)).toBe(0);
  });
});

describe('sorting and budget', () => {
  const rows = [
    { name: 'b', usd: 2 },
    { name: 'a', usd: 2 },
    { name: 'c', usd: 5 },
  ];

  it('sorts by dollars, ties by name, without touching the input', () => {
    expect(sortByUsd(rows, 'desc', (r) => r.name).map((r) => r.name)).toEqual(['c', 'a', 'b']);
    expect(sortByUsd(rows, 'asc', (r) => r.name).map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(rows.map((r) => r.name)).toEqual(['b', 'a', 'c']);
  });

  it('clamps the progress bar', () => {
    expect(progressWidth(null)).toBe(0);
    expect(progressWidth(42)).toBe(42);
    expect(progressWidth(180)).toBe(100);
    expect(progressWidth(-1)).toBe(0);
  });

  it('parses limits: empty is none', () => {
    expect(parseLimit('')).toEqual({ value: null });
    expect(parseLimit('   ')).toEqual({ value: null });
    expect(parseLimit('50')).toEqual({ value: 50 });
    expect(parseLimit('$ 0.8')).toEqual({ value: 0.8 });
    expect(parseLimit('.5')).toEqual({ value: 0.5 });
    expect(parseLimit('0')).toHaveProperty('error');
    expect(parseLimit('-3')).toHaveProperty('error');
    expect(parseLimit('abc')).toHaveProperty('error');
    expect(parseLimit('.')).toHaveProperty('error');
    expect(limitInput(null)).toBe('');
    expect(limitInput(12.5)).toBe('12.5');
  });

  it('puts hub issues next to their fields', () => {
    const result = issuesByField(
      [
        { path: 'body.monthlyCapUsd', message: 'expected dollars above 0' },
        { path: 'monthlyCapUsd', message: 'second message' },
        { path: '', message: 'unknown key' },
        { path: 'other.x', message: 'no field' },
      ],
      ['monthlyCapUsd', 'maxPricePerHour'] as const,
    );
    expect(result.fields).toEqual({ monthlyCapUsd: 'Expected dollars above 0' });
    expect(result.other).toEqual(['monthlyCapUsd: second message', 'unknown key', 'other.x: no field']);
  });
});
