import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SecretsService } from '../services/auth/secrets.service.js';
import { route } from './route.js';

const { secrets: api } = endpoints;

/** `/api/secrets`: provider credentials, write-only (names and times are listed, values never). */
export const secretsRoutes: FastifyPluginAsyncZod<{ secrets: SecretsService }> = async (app, { secrets }) => {
  route(app, api.put, async (request, reply) => {
    await secrets.put(request.params.name, request.body.value);
    return reply.code(204).send(null);
  });

  route(app, api.list, async () => ({ secrets: await secrets.list() }));

  route(app, api.remove, async (request, reply) => {
    await secrets.remove(request.params.name);
    return reply.code(204).send(null);
  });
};
