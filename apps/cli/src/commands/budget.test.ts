import { describe, expect, it } from 'vitest';
import { budgetChangesFromFlags, formatBudget } from '../lib/budgets.js';
import { commandRunner, type StubRoute } from '../test-support/stub-hub.js';
import { registerBudgetCommands } from './budget.js';

const NO_LIMITS = { monthlyCapUsd: null, maxHoursPerInstance: null, maxPricePerHour: null };
const status = (budgets: Record<string, number | null> = {}) => {
  const all = { ...NO_LIMITS, monthlyCapUsd: 50, ...budgets };
  return {
    budgets: all,
    month: '2026-11',
    monthSpentUsd: 12.3,
    monthPercent: all.monthlyCapUsd === null ? null : (12.3 / all.monthlyCapUsd) * 100,
    state: 'ok',
  };
};

describe('budget set flags', () => {
  it('turns the given flags into changes; "none" removes a limit', () => {
    expect(budgetChangesFromFlags({ monthlyCap: '50' })).toEqual({ monthlyCapUsd: 50 });
    expect(budgetChangesFromFlags({ monthlyCap: 'none', maxHours: '12.5', maxPrice: '.6' })).toEqual({
      monthlyCapUsd: null,
      maxHoursPerInstance: 12.5,
      maxPricePerHour: 0.6,
    });
    expect(budgetChangesFromFlags({ maxPrice: 'NONE' })).toEqual({ maxPricePerHour: null });
  });

  it('refuses bad values, naming the flag', () => {
    expect(() => budgetChangesFromFlags({})).toThrow(
      'budget set: give --monthly-cap, --max-hours or --max-price',
    );
    expect(() => budgetChangesFromFlags({ monthlyCap: 'lots' })).toThrow(
      '--monthly-cap: expected dollars above 0, e.g. 50, or "none", got "lots"',
    );
    expect(() => budgetChangesFromFlags({ monthlyCap: '0' })).toThrow(/^--monthly-cap: .*got "0"$/);
    expect(() => budgetChangesFromFlags({ monthlyCap: '-5' })).toThrow(/^--monthly-cap: /);
    expect(() => budgetChangesFromFlags({ monthlyCap: '$50' })).toThrow(/^--monthly-cap: /);
    expect(() => budgetChangesFromFlags({ maxHours: '99999' })).toThrow(
      '--max-hours: expected hours above 0 and at most 8784, e.g. 12, or "none", got "99999"',
    );
    expect(() => budgetChangesFromFlags({ maxPrice: '' })).toThrow(/^--max-price: .*got ""$/);
  });

  it('shows the limits and the month', () => {
    expect(formatBudget(status({ maxHoursPerInstance: 12, maxPricePerHour: 0.6 }) as never)).toBe(
      [
        'monthly cap:                 $50.00',
        'max GPU hours per instance:  12 h',
        'max price per hour:          $0.60/h',
        'budget: $12.30 of $50.00 this month (25 %)',
        '',
      ].join('\n'),
    );
    expect(formatBudget(status({ monthlyCapUsd: null }) as never)).toMatch(
      /^monthly cap: +none\n.*\nbudget: no monthly cap \(\$12\.30 this month\)\n$/s,
    );
  });
});

describe('podpilot budget', () => {
  const runCommand = commandRunner(registerBudgetCommands, {
    'GET /api/budgets': () => ({ status: 200, body: status({ maxHoursPerInstance: 12 }) }),
    'PUT /api/budgets': (req) => ({
      status: 200,
      body: status(req.body as Record<string, number | null>),
    }),
  });
  const run = async (args: string[], routes: Record<string, StubRoute> = {}) => {
    const result = await runCommand(['budget', ...args], routes);
    if (result.error) throw result.error;
    return result;
  };

  it('shows the budget', async () => {
    const { stdout } = await run([]);
    expect(stdout).toMatch(/^monthly cap: +\$50\.00\nmax GPU hours per instance: +12 h\n/);
    const json = await run(['--json']);
    expect(JSON.parse(json.stdout)).toEqual(status({ maxHoursPerInstance: 12 }));
  });

  it('set changes the given limits and keeps the others', async () => {
    const { stdout, seen } = await run(['set', '--monthly-cap', '80', '--max-price', '0.6']);
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/budgets', 'PUT /api/budgets']);
    expect(seen[1]?.body).toEqual({ monthlyCapUsd: 80, maxHoursPerInstance: 12, maxPricePerHour: 0.6 });
    expect(stdout).toMatch(/budget: \$12\.30 of \$80\.00 this month \(15 %\)\n$/);
  });

  it('set removes a limit with "none" and prints JSON with --json', async () => {
    const { stdout, seen } = await run(['set', '--max-hours', 'none', '--json']);
    expect(seen[1]?.body).toEqual({ monthlyCapUsd: 50, maxHoursPerInstance: null, maxPricePerHour: null });
    expect(JSON.parse(stdout).budgets.maxHoursPerInstance).toBeNull();
  });

  it('set refuses a bad value before asking the hub, and shows the hub refusing', async () => {
    await expect(run(['set', '--max-price', 'cheap'])).rejects.toThrow(/^--max-price: .*got "cheap"$/);
    expect(runCommand.seenByRun.flat()).toEqual([]);
    await expect(
      run(['set', '--monthly-cap', '10'], {
        'PUT /api/budgets': () => ({
          status: 400,
          body: {
            error: {
              code: 'invalid_request',
              message: 'body.monthlyCapUsd: nope',
              issues: [{ path: 'body.monthlyCapUsd', message: 'nope' }],
            },
          },
        }),
      }),
    ).rejects.toMatchObject({ details: ['body.monthlyCapUsd: nope'] });
  });
});
