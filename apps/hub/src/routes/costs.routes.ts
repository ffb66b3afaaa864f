import { ApiError, BudgetStatus, Budgets, CostsQuery, CostsResponse } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { BudgetsService } from '../services/costs/budgets.service.js';
import type { CostsService } from '../services/costs/costs.service.js';

const errors = { 400: ApiError, 401: ApiError };

/** `/api/costs` (spend of a month) and `/api/budgets` (the owner's limits and the month's state). */
export const costsRoutes: FastifyPluginAsyncZod<{ costs: CostsService; budgets: BudgetsService }> = async (
  app,
  { costs, budgets },
) => {
  app.get(
    '/api/costs',
    {
      schema: {
        tags: ['costs'],
        summary: 'Spend of a UTC month (the current one by default) by instance, profile and day',
        querystring: CostsQuery,
        response: { 200: CostsResponse, ...errors },
      },
    },
    async (request) => ({ ...(await costs.month(request.query.month)), budget: await budgets.status() }),
  );

  app.get(
    '/api/budgets',
    {
      schema: {
        tags: ['costs'],
        summary: "The budget's limits and this month's spend against the cap",
        response: { 200: BudgetStatus, 401: ApiError },
      },
    },
    async () => budgets.status(),
  );

  app.put(
    '/api/budgets',
    {
      schema: {
        tags: ['costs'],
        summary: 'Set the monthly cap, max GPU hours per instance and max $/h (null for no limit)',
        body: Budgets,
        response: { 200: BudgetStatus, ...errors },
      },
    },
    async (request) => {
      await budgets.set(request.body);
      return budgets.status();
    },
  );
};
