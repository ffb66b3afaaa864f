import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SnapshotsService } from '../services/snapshots/snapshots.service.js';
import { route } from './route.js';

const api = endpoints.snapshots;

/** The owner's side of snapshots: ask an instance for one, read the last result. */
export const snapshotsRoutes: FastifyPluginAsyncZod<{ snapshots: SnapshotsService }> = async (
  app,
  { snapshots },
) => {
  route(app, api.request, async (request, reply) => {
    const queued = await snapshots.request(request.params.id, request.body);
    return reply.code(202).send(queued);
  });

  route(app, api.latest, async (request) =>
    snapshots.latest(request.params.id, request.query.commandId ?? null),
  );

  route(app, api.list, async (request) => ({
    snapshots: await snapshots.list(request.params.id, request.query.commandId ?? null, request.query.limit),
  }));
};
