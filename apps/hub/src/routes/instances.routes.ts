import { ApiError, ListInstancesResponse } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { InstancesService } from '../services/instances.service.js';

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
};
