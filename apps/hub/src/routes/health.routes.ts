import { HealthResponse, PODPILOT_VERSION } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../db/db.js';

/** `GET /health`: no auth; 200 when the database answers, 503 when it does not. */
export const healthRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness and database check',
        response: { 200: HealthResponse, 503: HealthResponse },
      },
    },
    async (_request, reply) => {
      const ok = await db.ping();
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'unavailable',
        version: PODPILOT_VERSION,
        database: { engine: db.engine, ok },
      });
    },
  );
};
