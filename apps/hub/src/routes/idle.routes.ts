import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { IdleService } from '../services/costs/idle.service.js';
import type { InstancesService } from '../services/instances/instances.service.js';
import { route } from './route.js';

const api = endpoints.instances;

/** The owner's say in idle stopping: keep an instance awake for a while, or change its policy. */
export const idleRoutes: FastifyPluginAsyncZod<{ idle: IdleService; instances: InstancesService }> = async (
  app,
  { idle, instances },
) => {
  route(app, api.keepAwake, async (request) => {
    const { until } = request.body;
    await idle.keepAwake(request.params.id, until === null ? null : new Date(until));
    return instances.get(request.params.id);
  });

  route(app, api.setIdlePolicy, async (request) => {
    await idle.setOverride(request.params.id, request.body);
    return instances.get(request.params.id);
  });

  route(app, api.resetIdlePolicy, async (request) => {
    await idle.setOverride(request.params.id, null);
    return instances.get(request.params.id);
  });
};
