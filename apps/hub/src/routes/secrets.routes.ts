import { ApiError, ListSecretsResponse, PutSecretRequest, SecretName } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SecretsService } from '../services/auth/secrets.service.js';

/** `/api/secrets`: provider credentials, write-only (names and times are listed, values never). */
export const secretsRoutes: FastifyPluginAsyncZod<{ secrets: SecretsService }> = async (app, { secrets }) => {
  const NameParams = z.object({ name: SecretName });
  const errors = { 400: ApiError, 401: ApiError, 404: ApiError };

  app.put(
    '/api/secrets/:name',
    {
      schema: {
        tags: ['secrets'],
        summary: 'Store a credential (encrypted); replaces the old value',
        params: NameParams,
        body: PutSecretRequest,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await secrets.put(request.params.name, request.body.value);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/secrets',
    {
      schema: {
        tags: ['secrets'],
        summary: 'Names of the stored credentials (never their values)',
        response: { 200: ListSecretsResponse, 401: ApiError },
      },
    },
    async () => ({ secrets: await secrets.list() }),
  );

  app.delete(
    '/api/secrets/:name',
    {
      schema: {
        tags: ['secrets'],
        summary: 'Forget a credential',
        params: NameParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await secrets.remove(request.params.name);
      return reply.code(204).send(null);
    },
  );
};
