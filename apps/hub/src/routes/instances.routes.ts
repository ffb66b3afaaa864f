import {
  ApiError,
  CreateCommandRequest,
  CreateCommandResponse,
  InstanceDetail,
  ListInstanceEventsResponse,
  ListInstanceLogsResponse,
  ListInstancesResponse,
} from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InstancesService } from '../services/instances/instances.service.js';

/** `/api/instances`: the owner's view of every instance. */
export const instancesRoutes: FastifyPluginAsyncZod<{ instances: InstancesService }> = async (
  app,
  { instances },
) => {
  app.get(
    '/api/instances',
    {
      schema: {
        tags: ['instances'],
        summary: 'List instances, newest first',
        response: { 200: ListInstancesResponse, 401: ApiError },
      },
    },
    async () => ({ instances: await instances.list() }),
  );

  const IdParams = z.object({ id: z.uuid({ message: 'expected an instance id (UUID)' }) });
  const errors = { 400: ApiError, 401: ApiError, 404: ApiError };
  const count = (max: number, fallback: number) =>
    z.coerce
      .number({ message: `expected a number from 1 to ${max}` })
      .int()
      .min(1)
      .max(max, `expected a number from 1 to ${max}`)
      .default(fallback);

  app.get(
    '/api/instances/:id',
    {
      schema: {
        tags: ['instances'],
        summary: "One instance with its agent's latest facts",
        params: IdParams,
        response: { 200: InstanceDetail, ...errors },
      },
    },
    async (request) => instances.get(request.params.id),
  );

  app.get(
    '/api/instances/:id/events',
    {
      schema: {
        tags: ['instances'],
        summary: 'Events of an instance, newest first',
        params: IdParams,
        querystring: z.object({ limit: count(1000, 100) }),
        response: { 200: ListInstanceEventsResponse, ...errors },
      },
    },
    async (request) => ({ events: await instances.events(request.params.id, request.query.limit) }),
  );

  app.get(
    '/api/instances/:id/logs',
    {
      schema: {
        tags: ['instances'],
        summary: 'Log lines after a given line id (0 for the start)',
        params: IdParams,
        querystring: z.object({ after: z.coerce.number().int().min(0).default(0), limit: count(5000, 1000) }),
        response: { 200: ListInstanceLogsResponse, ...errors },
      },
    },
    async (request) => ({
      lines: await instances.logs(request.params.id, request.query.after, request.query.limit),
    }),
  );

  app.post(
    '/api/instances/:id/commands',
    {
      schema: {
        tags: ['instances'],
        summary: "Queue a command for the instance's agent (sync-now, snapshot, stop-webui, shutdown)",
        params: IdParams,
        body: CreateCommandRequest,
        response: { 201: CreateCommandResponse, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(201).send({
        id: await instances.command(request.params.id, request.body.kind, request.body.args ?? null),
      }),
  );
};
