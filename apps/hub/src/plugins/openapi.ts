import fastifySwagger from '@fastify/swagger';
import { PODPILOT_VERSION } from '@podpilot/common';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** OpenAPI 3 from the routes' zod schemas, served at `/api/openapi.json` (register before the routes). */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'PodPilot hub API', version: PODPILOT_VERSION },
      components: {
        securitySchemes: {
          apiToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token (pp_…) from Settings or POST /api/tokens',
          },
          session: { type: 'apiKey', in: 'cookie', name: 'podpilot_session' },
        },
      },
      security: [{ apiToken: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
}

/** The document itself (after the routes are registered). */
export function serveOpenApi(app: FastifyInstance): void {
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
