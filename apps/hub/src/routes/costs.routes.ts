import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { BudgetsService } from '../services/costs/budgets.service.js';
import type { CostsService } from '../services/costs/costs.service.js';
import { route } from './route.js';

const api = endpoints.costs;

/** `/api/costs` (spend of a month) and `/api/budgets` (the owner's limits and the month's state). */
export const costsRoutes: FastifyPluginAsyncZod<{ costs: CostsService; budgets: BudgetsService }> = async (
  app,
  { costs, budgets },
) => {
  route(app, api.month, async (request) => ({
    ...(await costs.month(request.query.month)),
    budget: await budgets.status(),
  }));

  route(app, api.budget, async () => budgets.status());

  route(app, api.setBudget, async (request) => {
    await budgets.set(request.body);
    return budgets.status();
  });
};
