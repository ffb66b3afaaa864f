import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { budgetLine, costsQueryFromFlags, formatCosts } from '../lib/costs.js';
import { captureOutput, stubHub } from '../test-support/stub-hub.js';
import { registerCostCommand } from './cost.js';

const status = (overrides: Record<string, unknown> = {}) => ({
  budgets: { monthlyCapUsd: 50, maxHoursPerInstance: null, maxPricePerHour: null },
  month: '2026-11',
  monthSpentUsd: 12.3,
  monthPercent: 24.6,
  state: 'ok' as const,
  ...overrides,
});

const costs = (overrides: Record<string, unknown> = {}) => ({
  month: '2026-11',
  currency: 'USD' as const,
  totalUsd: 12.3,
  byInstance: [
    {
      instanceId: '0a1b2c3d-0000-4000-8000-000000000001',
      name: 'box',
      provider: 'vastai',
      profile: 'sdxl',
      usd: 10.5,
      gpuHours: 21,
      pricePerHour: 0.5,
      priceUnknown: false,
    },
    {
      instanceId: '0a1b2c3d-0000-4000-8000-000000000002',
      name: 'old',
      provider: 'runpod',
      profile: null,
      usd: 1.8,
      gpuHours: 4.25,
      pricePerHour: null,
      priceUnknown: true,
    },
  ],
  byProfile: [
    { profile: 'sdxl', usd: 10.5 },
    { profile: null, usd: 1.8 },
  ],
  byDay: [{ day: '2026-11-01', usd: 12.3 }],
  budget: status(),
  ...overrides,
});

describe('cost formatting and flags', () => {
  it('checks --month', () => {
    expect(costsQueryFromFlags({})).toEqual({});
    expect(costsQueryFromFlags({ month: '2026-11' })).toEqual({ month: '2026-11' });
    expect(() => costsQueryFromFlags({ month: '2026-13' })).toThrow(
      '--month: expected a month as YYYY-MM, e.g. 2026-11, got "2026-13"',
    );
    expect(() => costsQueryFromFlags({ month: 'november' })).toThrow(/^--month: /);
  });

  it('says how the month stands against the budget', () => {
    expect(budgetLine(status())).toBe('budget: $12.30 of $50.00 this month (25 %)');
    expect(budgetLine(status({ monthPercent: 84, state: 'warning' }))).toBe(
      'budget: $12.30 of $50.00 this month (84 %) — warning',
    );
    expect(budgetLine(status({ monthPercent: 100.2, state: 'exceeded' }))).toMatch(
      /^budget: \$12\.30 of \$50\.00 this month \(100 %\) — exceeded: launches are refused/,
    );
    expect(
      budgetLine(
        status({
          budgets: { monthlyCapUsd: null, maxHoursPerInstance: 5, maxPricePerHour: null },
          monthPercent: null,
        }),
      ),
    ).toBe('budget: no monthly cap ($12.30 this month)');
  });

  it('prints the total, by instance, by profile and the budget', () => {
    expect(formatCosts(costs())).toBe(
      [
        '2026-11 (UTC): $12.30 total',
        '',
        'INSTANCE  PROVIDER  PROFILE  GPU HOURS  $/H     $',
        'box       vastai    sdxl     21.0       $0.500  $10.50',
        'old       runpod    -        4.3        ?       $1.80',
        '',
        'PROFILE  $',
        'sdxl     $10.50',
        '-        $1.80',
        '',
        '?: part of the time had no known price and counts as $0',
        '',
        'budget: $12.30 of $50.00 this month (25 %)',
        '',
      ].join('\n'),
    );
    expect(formatCosts(costs({ totalUsd: 0, byInstance: [], byProfile: [] }))).toBe(
      '2026-11 (UTC): $0.00 total\n\nNo spend in 2026-11.\n\nbudget: $12.30 of $50.00 this month (25 %)\n',
    );
  });
});

describe('podpilot cost', () => {
  const hubs: Awaited<ReturnType<typeof stubHub>>[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    for (const hub of hubs.splice(0)) await hub.close();
  });

  async function run(args: string[]) {
    const hub = await stubHub({ 'GET /api/costs': () => ({ status: 200, body: costs() }) });
    hubs.push(hub);
    vi.stubEnv('PODPILOT_URL', hub.url);
    vi.stubEnv('PODPILOT_TOKEN', 'pp_test');
    const output = captureOutput();
    const program = new Command('podpilot').exitOverride();
    registerCostCommand(program);
    await program.parseAsync(['cost', ...args], { from: 'user' });
    return { ...output, seen: hub.seen };
  }

  it('asks for the month and prints the report', async () => {
    const { stdout, seen } = await run(['--month', '2026-11']);
    expect(seen[0]?.query.get('month')).toBe('2026-11');
    expect(stdout).toMatch(/^2026-11 \(UTC\): \$12\.30 total\n/);
    expect(stdout).toMatch(/budget: \$12\.30 of \$50\.00 this month \(25 %\)\n$/);
  });

  it('asks for the current month without --month, and prints JSON with --json', async () => {
    const { stdout, seen } = await run(['--json']);
    expect(seen[0]?.query.has('month')).toBe(false);
    expect(JSON.parse(stdout)).toEqual(costs());
  });

  it('refuses a bad month before asking the hub', async () => {
    await expect(run(['--month', '11/2026'])).rejects.toThrow(/^--month: /);
    expect(hubs.flatMap((h) => h.seen)).toEqual([]);
  });
});
