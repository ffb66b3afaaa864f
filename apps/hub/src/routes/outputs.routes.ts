import {
  ApiError,
  ListOutputsQuery,
  ListOutputsResponse,
  OutputSummary,
  OutputUrlsResponse,
  SyncInstanceRequest,
  SyncInstanceResponse,
} from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OutputsService } from '../services/outputs/outputs.service.js';

const errors = { 400: ApiError, 401: ApiError, 404: ApiError };

/** `/api/outputs`: every file the instances produced, searchable, with download URLs; and the final sync. */
export const outputsRoutes: FastifyPluginAsyncZod<{ outputs: OutputsService }> = async (app, { outputs }) => {
  app.get(
    '/api/outputs',
    {
      schema: {
        tags: ['outputs'],
        summary:
          'List outputs, newest first; filter by instance, profile, time (since ≤ created < until), path, words',
        querystring: ListOutputsQuery,
        response: { 200: ListOutputsResponse, ...errors },
      },
    },
    async (request) => outputs.list(request.query),
  );

  const OutputParams = z.object({ id: z.uuid({ message: 'expected an output id (UUID)' }) });

  app.get(
    '/api/outputs/:id',
    {
      schema: {
        tags: ['outputs'],
        summary: 'One output',
        params: OutputParams,
        response: { 200: OutputSummary, ...errors },
      },
    },
    async (request) => outputs.get(request.params.id),
  );

  app.get(
    '/api/outputs/:id/urls',
    {
      schema: {
        tags: ['outputs'],
        summary: 'Presigned download URLs for the file and its thumbnail',
        params: OutputParams,
        response: { 200: OutputUrlsResponse, ...errors },
      },
    },
    async (request) => outputs.urls(request.params.id),
  );

  app.post(
    '/api/instances/:id/sync',
    {
      schema: {
        tags: ['instances'],
        summary: "Ask the instance's agent to upload every output now and wait for its confirmation",
        params: z.object({ id: z.uuid({ message: 'expected an instance id (UUID)' }) }),
        // The body may be left out: the default timeout then.
        body: SyncInstanceRequest.nullish(),
        response: { 200: SyncInstanceResponse, ...errors },
      },
    },
    async (request) => {
      const { timeoutSeconds } = request.body ?? SyncInstanceRequest.parse({});
      return outputs.finalSync(request.params.id, timeoutSeconds * 1000);
    },
  );
};
