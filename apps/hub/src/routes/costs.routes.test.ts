import { BudgetStatus, CostsResponse } from '@podpilot/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetsService } from '../services/costs/budgets.service.js';
import { CostsService } from '../services/costs/costs.service.js';
import { hubRequests, routesTestApp, useOwnerHub } from '../test-support/app.js';
import { insertInstance } from '../test-support/costs.js';
import { testDatabases } from '../test-support/databases.js';
import { costsRoutes } from './costs.routes.js';

const NOW = Date.parse('2026-11-20T12:00:00Z');

describe.each(testDatabases())('costs and budgets routes ($engine)', ({ open }) => {
  const t = useOwnerHub(open);
  // The routes on an app of their own with the hub's auth, error format and response parsing (as app.ts
  // sets them up), so they are tested before app.ts registers them and with a fixed clock.
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await routesTestApp(t.hub);
    const costs = new CostsService(t.db, () => NOW);
    await app.register(costsRoutes, { costs, budgets: new BudgetsService(t.db, costs, () => NOW) });
    await app.ready();
    await insertInstance(t.db, {
      name: 'box',
      state: 'ready',
      pricePerHour: 0.5,
      transitions: [['ready', '2026-11-20T00:00:00Z', 0.5]],
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  const { stranger, owner: api } = hubRequests(() => ({ app, cookie: t.hub.cookie }));

  it('requires the owner', async () => {
    for (const [method, url] of [
      ['GET', '/api/costs'],
      ['GET', '/api/budgets'],
      ['PUT', '/api/budgets'],
    ] as const) {
      const res = await stranger(method, url, method === 'PUT' ? {} : undefined);
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json().error.code).toBe('unauthorized');
    }
  });

  it('answers the month with the budget', async () => {
    const res = await api('GET', '/api/costs?month=2026-11');
    expect(res.statusCode).toBe(200);
    const body = CostsResponse.parse(res.json());
    expect(body).toMatchObject({
      month: '2026-11',
      currency: 'USD',
      totalUsd: 6,
      byInstance: [{ name: 'box', usd: 6, gpuHours: 12, pricePerHour: 0.5, priceUnknown: false }],
      byProfile: [{ profile: null, usd: 6 }],
      budget: { month: '2026-11', monthSpentUsd: 6, monthPercent: null, state: 'ok' },
    });
    expect(body.byDay).toHaveLength(20);
    expect((await api('GET', '/api/costs')).json().month).toBe('2026-11');
  });

  it('sets and shows the budgets', async () => {
    const budgets = { monthlyCapUsd: 7.5, maxHoursPerInstance: null, maxPricePerHour: 0.6 };
    const put = await api('PUT', '/api/budgets', budgets);
    expect(put.statusCode).toBe(200);
    expect(BudgetStatus.parse(put.json())).toEqual({
      budgets,
      month: '2026-11',
      monthSpentUsd: 6,
      monthPercent: 80,
      state: 'warning',
    });
    expect((await api('GET', '/api/budgets')).json()).toEqual(put.json());
  });

  it('names the bad field', async () => {
    const month = await api('GET', '/api/costs?month=2026-13');
    expect(month.statusCode).toBe(400);
    expect(month.json().error).toMatchObject({
      code: 'invalid_request',
      issues: [{ path: 'querystring.month', message: 'expected a month as YYYY-MM, e.g. 2026-11' }],
    });
    const cap = await api('PUT', '/api/budgets', {
      monthlyCapUsd: 0,
      maxHoursPerInstance: null,
      maxPricePerHour: null,
    });
    expect(cap.statusCode).toBe(400);
    expect(cap.json().error.issues[0]).toEqual({
      path: 'body.monthlyCapUsd',
      message: 'expected dollars above 0, or null for no cap',
    });
    const missing = await api('PUT', '/api/budgets', { monthlyCapUsd: 10, maxHoursPerInstance: null });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.issues[0].path).toBe('body.maxPricePerHour');
    const extra = await api('PUT', '/api/budgets', {
      monthlyCapUsd: 10,
      maxHoursPerInstance: null,
      maxPricePerHour: null,
      dailyCapUsd: 1,
    });
    expect(extra.statusCode).toBe(400);
    expect((await api('GET', '/api/budgets')).json().budgets.monthlyCapUsd).toBe(7.5);
  });
});
