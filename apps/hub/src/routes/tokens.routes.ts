import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireUser } from '../plugins/auth.js';
import type { ApiTokensService } from '../services/auth/api-tokens.service.js';
import { route } from './route.js';

const { tokens } = endpoints;

/** `/api/tokens`: named API tokens for the CLI and scripts. */
export const tokensRoutes: FastifyPluginAsyncZod<{ apiTokens: ApiTokensService }> = async (
  app,
  { apiTokens },
) => {
  route(app, tokens.list, async (request) => ({ tokens: await apiTokens.list(requireUser(request)) }));

  route(app, tokens.create, async (request, reply) =>
    reply.code(201).send(await apiTokens.create(requireUser(request), request.body.name)),
  );

  route(app, tokens.revoke, async (request, reply) => {
    await apiTokens.revoke(requireUser(request), request.params.id);
    return reply.code(204).send(null);
  });
};
