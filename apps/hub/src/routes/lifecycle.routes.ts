import {
  ApiError,
  InstanceDetail,
  LaunchRequest,
  ListTransitionsResponse,
  OffersQuery,
  OffersResponse,
} from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LifecycleService } from '../services/instances/lifecycle.service.js';
import type { OffersService } from '../services/instances/offers.service.js';

/** Offers, launch, stop/start/destroy and the state history of instances. */
export const lifecycleRoutes: FastifyPluginAsyncZod<{
  lifecycle: LifecycleService;
  offers: OffersService;
}> = async (app, { lifecycle, offers }) => {
  const IdParams = z.object({ id: z.uuid({ message: 'expected an instance id (UUID)' }) });
  const errors = { 400: ApiError, 401: ApiError, 404: ApiError, 409: ApiError };

  app.get(
    '/api/offers',
    {
      schema: {
        tags: ['instances'],
        summary: "Every configured provider's offers, cheapest first",
        querystring: OffersQuery,
        response: { 200: OffersResponse, 400: ApiError, 401: ApiError },
      },
    },
    async (request) => offers.search(request.query),
  );

  app.post(
    '/api/instances',
    {
      schema: {
        tags: ['instances'],
        summary: 'Launch a profile (idempotent per idempotencyKey: 201 new, 200 repeat)',
        body: LaunchRequest,
        response: { 200: InstanceDetail, 201: InstanceDetail, ...errors },
      },
    },
    async (request, reply) => {
      const { instance, created } = await lifecycle.launch(request.body);
      return reply.code(created ? 201 : 200).send(instance);
    },
  );

  for (const action of ['stop', 'start', 'destroy'] as const) {
    app.post(
      `/api/instances/:id/${action}`,
      {
        schema: {
          tags: ['instances'],
          summary:
            action === 'stop'
              ? 'Final output sync, then stop (the disk is kept)'
              : action === 'start'
                ? 'Start a stopped instance again'
                : 'Final output sync, then destroy for good',
          params: IdParams,
          response: { 200: InstanceDetail, ...errors },
        },
      },
      async (request) => lifecycle[action](request.params.id),
    );
  }

  app.get(
    '/api/instances/:id/transitions',
    {
      schema: {
        tags: ['instances'],
        summary: 'Every state change of the instance with its cause, oldest first',
        params: IdParams,
        response: { 200: ListTransitionsResponse, ...errors },
      },
    },
    async (request) => ({ transitions: await lifecycle.transitions(request.params.id) }),
  );
};
