import { ApiError, CreateSnapshotRequest, ListSnapshotsResponse, SnapshotStatus } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SnapshotsService } from '../services/snapshots/snapshots.service.js';

/** The owner's side of snapshots: ask an instance for one, read the last result. */
export const snapshotsRoutes: FastifyPluginAsyncZod<{ snapshots: SnapshotsService }> = async (
  app,
  { snapshots },
) => {
  const IdParams = z.object({ id: z.uuid({ message: 'expected an instance id (UUID)' }) });
  const errors = { 400: ApiError, 401: ApiError, 404: ApiError, 409: ApiError };

  app.post(
    '/api/instances/:id/snapshot',
    {
      schema: {
        tags: ['instances'],
        summary: "Capture the running instance into a profile version (the agent's snapshot command)",
        params: IdParams,
        body: CreateSnapshotRequest,
        response: { 202: z.object({ commandId: z.string() }), ...errors },
      },
    },
    async (request, reply) => {
      const queued = await snapshots.request(request.params.id, request.body);
      return reply.code(202).send(queued);
    },
  );

  app.get(
    '/api/instances/:id/snapshots/latest',
    {
      schema: {
        tags: ['instances'],
        summary: 'The last snapshot stored for the instance (of one command with ?commandId=)',
        params: IdParams,
        querystring: z.object({ commandId: z.uuid({ message: 'expected a command id (UUID)' }).optional() }),
        response: { 200: SnapshotStatus, ...errors },
      },
    },
    async (request) => snapshots.latest(request.params.id, request.query.commandId ?? null),
  );

  app.get(
    '/api/instances/:id/snapshots',
    {
      schema: {
        tags: ['instances'],
        summary: 'Stored snapshots of the instance, newest first (empty until the agent reported)',
        params: IdParams,
        querystring: z.object({
          commandId: z.uuid({ message: 'expected a command id (UUID)' }).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: { 200: ListSnapshotsResponse, ...errors },
      },
    },
    async (request) => ({
      snapshots: await snapshots.list(
        request.params.id,
        request.query.commandId ?? null,
        request.query.limit,
      ),
    }),
  );
};
