import { ApiError, CreateApiTokenRequest, CreatedApiToken, ListApiTokensResponse } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireUser } from '../plugins/auth.js';
import type { ApiTokensService } from '../services/auth/api-tokens.service.js';

/** `/api/tokens`: named API tokens for the CLI and scripts. */
export const tokensRoutes: FastifyPluginAsyncZod<{ apiTokens: ApiTokensService }> = async (
  app,
  { apiTokens },
) => {
  app.get(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'List API tokens (never their secret)',
        response: { 200: ListApiTokensResponse, 401: ApiError },
      },
    },
    async (request) => ({ tokens: await apiTokens.list(requireUser(request)) }),
  );

  app.post(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; its secret is in this answer only',
        body: CreateApiTokenRequest,
        response: { 201: CreatedApiToken, 400: ApiError, 401: ApiError, 409: ApiError },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await apiTokens.create(requireUser(request), request.body.name)),
  );

  app.delete(
    '/api/tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token (idempotent)',
        params: z.object({ id: z.uuid({ message: 'expected a token id (UUID)' }) }),
        response: { 204: z.null(), 400: ApiError, 401: ApiError, 404: ApiError },
      },
    },
    async (request, reply) => {
      await apiTokens.revoke(requireUser(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
