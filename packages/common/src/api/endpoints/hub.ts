import { BudgetStatus, Budgets, CostsQuery, CostsResponse } from '../costs.js';
import { apiErrors, endpoint } from '../endpoint.js';
import { HealthResponse } from '../health.js';
import { TailscalePolicyResponse } from '../tailscale.js';

const costErrors = apiErrors(400, 401);
const cost = { auth: 'owner', tags: ['costs'] } as const;

/** `/api/costs` (spend of a month) and `/api/budgets` (the owner's limits and the month's state). */
export const costsEndpoints = {
  month: endpoint({
    ...cost,
    method: 'GET',
    path: '/api/costs',
    query: CostsQuery,
    responses: { 200: CostsResponse, ...costErrors },
    answer: 'json',
    summary: 'Spend of a UTC month (the current one by default) by instance, profile and day',
  }),
  budget: endpoint({
    ...cost,
    method: 'GET',
    path: '/api/budgets',
    responses: { 200: BudgetStatus, ...apiErrors(401) },
    answer: 'json',
    summary: "The budget's limits and this month's spend against the cap",
  }),
  setBudget: endpoint({
    ...cost,
    method: 'PUT',
    path: '/api/budgets',
    body: Budgets,
    responses: { 200: BudgetStatus, ...costErrors },
    answer: 'json',
    summary: 'Set the monthly cap, max GPU hours per instance and max $/h (null for no limit)',
  }),
};

/** `/api/tailscale`: what the hub knows of the tailnet. */
export const tailscaleEndpoints = {
  policy: endpoint({
    method: 'GET',
    path: '/api/tailscale/policy',
    responses: { 200: TailscalePolicyResponse, ...apiErrors(401, 409, 429, 502) },
    answer: 'json',
    auth: 'owner',
    tags: ['tailscale'],
    summary: "The tailnet's policy file (HuJSON) and its ETag",
  }),
};

/** `GET /health`: no auth; 200 when the database answers, 503 (the same body) when it does not. */
export const healthEndpoints = {
  get: endpoint({
    method: 'GET',
    path: '/health',
    responses: { 200: HealthResponse, 503: HealthResponse },
    answer: 'json',
    auth: 'public',
    tags: ['health'],
    summary: 'Liveness and database check',
  }),
};
