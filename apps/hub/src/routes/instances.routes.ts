import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { InstancesService } from '../services/instances/instances.service.js';
import { route } from './route.js';

const api = endpoints.instances;

/** `/api/instances`: the owner's view of every instance. */
export const instancesRoutes: FastifyPluginAsyncZod<{ instances: InstancesService }> = async (
  app,
  { instances },
) => {
  route(app, api.list, async () => ({ instances: await instances.list() }));

  route(app, api.get, async (request) => instances.get(request.params.id));

  route(app, api.events, async (request) => ({
    events: await instances.events(request.params.id, request.query),
  }));

  route(app, api.logs, async (request) => ({
    lines: await instances.logs(request.params.id, request.query),
  }));

  route(app, api.command, async (request, reply) =>
    reply.code(201).send({
      id: await instances.command(request.params.id, request.body.kind, request.body.args ?? null),
    }),
  );
};
