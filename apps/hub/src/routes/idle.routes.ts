import { ApiError, IdlePolicyOverride, InstanceDetail, KeepAwakeRequest } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { IdleService } from '../services/costs/idle.service.js';
import type { InstancesService } from '../services/instances/instances.service.js';

/** The owner's say in idle stopping: keep an instance awake for a while, or change its policy. */
export const idleRoutes: FastifyPluginAsyncZod<{ idle: IdleService; instances: InstancesService }> = async (
  app,
  { idle, instances },
) => {
  const IdParams = z.object({ id: z.uuid({ message: 'expected an instance id (UUID)' }) });
  const errors = { 400: ApiError, 401: ApiError, 404: ApiError };

  app.post(
    '/api/instances/:id/keep-awake',
    {
      schema: {
        tags: ['instances'],
        summary: 'Keep an instance from idle stopping until a time (null cancels)',
        params: IdParams,
        body: KeepAwakeRequest,
        response: { 200: InstanceDetail, ...errors },
      },
    },
    async (request) => {
      const { until } = request.body;
      await idle.keepAwake(request.params.id, until === null ? null : new Date(until));
      return instances.get(request.params.id);
    },
  );

  app.put(
    '/api/instances/:id/idle-policy',
    {
      schema: {
        tags: ['instances'],
        summary: "Override the profile's idle policy for one instance",
        params: IdParams,
        body: IdlePolicyOverride,
        response: { 200: InstanceDetail, ...errors },
      },
    },
    async (request) => {
      await idle.setOverride(request.params.id, request.body);
      return instances.get(request.params.id);
    },
  );

  app.delete(
    '/api/instances/:id/idle-policy',
    {
      schema: {
        tags: ['instances'],
        summary: "Return to the profile's idle policy",
        params: IdParams,
        response: { 200: InstanceDetail, ...errors },
      },
    },
    async (request) => {
      await idle.setOverride(request.params.id, null);
      return instances.get(request.params.id);
    },
  );
};
