import { endpoints, PODPILOT_VERSION } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../db/db.js';
import { route } from './route.js';

/** `GET /health`: no auth; 200 when the database answers, 503 when it does not. */
export const healthRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  route(app, endpoints.health.get, async (_request, reply) => {
    const ok = await db.ping();
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'unavailable',
      version: PODPILOT_VERSION,
      database: { engine: db.engine, ok },
    });
  });
};
