import type { Budgets } from '@podpilot/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.js';
import { HttpError } from '../../lib/http-error.js';
import { insertInstance } from '../../test-support/costs.js';
import { testDatabases } from '../../test-support/databases.js';
import { BudgetsService, dollars } from './budgets.service.js';
import { CostsService } from './costs.service.js';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const limits = (b: Partial<Budgets>): Budgets => ({
  monthlyCapUsd: null,
  maxHoursPerInstance: null,
  maxPricePerHour: null,
  ...b,
});

describe('dollars', () => {
  it('shows two decimals, more only when they matter', () => {
    expect([50, 12.3, 0.6, 0.605, 50.12, 1.23456].map(dollars)).toEqual([
      '50.00',
      '12.30',
      '0.60',
      '0.605',
      '50.12',
      '1.2346',
    ]);
  });
});

describe.each(testDatabases())('BudgetsService ($engine)', ({ open }) => {
  let db: Db;
  let budgets: BudgetsService;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    db = await open();
    const costs = new CostsService(db, () => NOW);
    budgets = new BudgetsService(db, costs, () => NOW);
    // This month: 12 h at $1 (ready) + 24 h at $0.50 (idle) = $24; a stopped one costs nothing.
    ids.ready = await insertInstance(db, {
      name: 'ready',
      state: 'ready',
      pricePerHour: 1,
      transitions: [
        ['launching', '2026-11-20T00:00:00Z', 1],
        ['ready', '2026-11-20T00:00:00Z', 1],
      ],
    });
    ids.idle = await insertInstance(db, {
      name: 'idle',
      state: 'idle',
      pricePerHour: 0.5,
      transitions: [
        ['ready', '2026-11-19T12:00:00Z', 0.5],
        ['idle', '2026-11-20T00:00:00Z', 0.5],
      ],
    });
    ids.stopped = await insertInstance(db, {
      name: 'stopped',
      state: 'stopped',
      pricePerHour: 2,
      transitions: [
        ['ready', '2026-10-01T00:00:00Z', 2],
        ['stopped', '2026-10-03T00:00:00Z', 2],
      ],
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('has no limits until set, and keeps what is set', async () => {
    expect(await budgets.get()).toEqual(limits({}));
    expect(await budgets.status()).toEqual({
      budgets: limits({}),
      month: '2026-11',
      monthSpentUsd: 24,
      monthPercent: null,
      state: 'ok',
    });
    const set = limits({ monthlyCapUsd: 50, maxHoursPerInstance: 100, maxPricePerHour: 0.6 });
    expect(await budgets.set(set)).toEqual(set);
    expect(await budgets.set(set)).toEqual(set);
    expect(await budgets.get()).toEqual(set);
    expect(await budgets.status()).toMatchObject({ monthPercent: 48, state: 'ok' });
    await expect(budgets.set(limits({ monthlyCapUsd: -1 }))).rejects.toMatchObject({
      statusCode: 400,
      issues: [{ path: 'monthlyCapUsd', message: expect.stringContaining('above 0') }],
    });
    expect(await budgets.get()).toEqual(set);
  });

  it('warns from 80 % of the cap and is exceeded from 100 %', async () => {
    await budgets.set(limits({ monthlyCapUsd: 30 }));
    expect(await budgets.status()).toMatchObject({ monthPercent: 80, state: 'warning' });
    await budgets.set(limits({ monthlyCapUsd: 24 }));
    expect(await budgets.status()).toMatchObject({ monthPercent: 100, state: 'exceeded' });
    await budgets.set(limits({ monthlyCapUsd: 30.01 }));
    expect((await budgets.status()).state).toBe('ok');
  });

  it('refuses launches above the max price or once the cap is spent', async () => {
    await budgets.set(limits({ monthlyCapUsd: 25, maxPricePerHour: 0.6 }));
    await expect(budgets.assertLaunchAllowed(0.6)).resolves.toBeUndefined();
    await expect(budgets.assertLaunchAllowed(null)).resolves.toBeUndefined();
    const tooDear = await budgets.assertLaunchAllowed(0.9).catch((e: unknown) => e);
    expect(tooDear).toBeInstanceOf(HttpError);
    expect(tooDear).toMatchObject({
      statusCode: 409,
      code: 'budget_exceeded',
      message: "offer at $0.90/h is above the budget's max $0.60/h",
    });
    await budgets.set(limits({ monthlyCapUsd: 20 }));
    await expect(budgets.assertLaunchAllowed(5)).rejects.toMatchObject({
      statusCode: 409,
      code: 'budget_exceeded',
      message:
        'the monthly budget of $20.00 is spent ($24.00 this month); raise it with podpilot budget set --monthly-cap N or wait for next month',
    });
    await budgets.set(limits({}));
    await expect(budgets.assertLaunchAllowed(100)).resolves.toBeUndefined();
  });

  it('lists the running instances to stop: all past the cap, each past its max hours', async () => {
    await budgets.set(limits({}));
    expect(await budgets.overBudget()).toEqual([]);
    await budgets.set(limits({ monthlyCapUsd: 20, maxHoursPerInstance: 1 }));
    const all = await budgets.overBudget();
    expect(all.map((o) => o.instanceId).sort()).toEqual([ids.ready, ids.idle].sort());
    expect(all[0]?.reason).toBe('the monthly budget of $20.00 is spent ($24.00 this month)');
    await budgets.set(limits({ maxHoursPerInstance: 12 }));
    expect((await budgets.overBudget()).map((o) => o.instanceId).sort()).toEqual(
      [ids.ready, ids.idle].sort(),
    );
    // The stopped instance ran 48 h but is not running: never listed.
    await budgets.set(limits({ monthlyCapUsd: 100, maxHoursPerInstance: 13 }));
    expect(await budgets.overBudget()).toEqual([
      { instanceId: ids.idle, reason: "ran 24.0 GPU hours, the budget's max per instance is 13 h" },
    ]);
  });

  it('gives the warning once per month', async () => {
    await budgets.set(limits({ monthlyCapUsd: 100 }));
    expect(await budgets.warningDue()).toBeNull();
    await budgets.set(limits({ monthlyCapUsd: 25 }));
    expect(await budgets.warningDue()).toMatchObject({ month: '2026-11', state: 'warning' });
    expect(await budgets.warningDue()).toBeNull();
    await budgets.set(limits({ monthlyCapUsd: 10 }));
    expect(await budgets.warningDue()).toBeNull();
    const [row] = await db.query<{ value: unknown }>(
      `select value from settings where key = 'budget-warned-month'`,
    );
    expect(row?.value).toBe('2026-11');
    // Next month the running instances keep spending ($36 by Dec 2 against the $10 cap): warned again.
    const december = Date.parse('2026-12-02T00:00:00Z');
    const later = new BudgetsService(db, new CostsService(db, () => december), () => december);
    expect(await later.warningDue()).toMatchObject({ month: '2026-12', state: 'exceeded' });
    expect(await later.warningDue()).toBeNull();
  });
});
