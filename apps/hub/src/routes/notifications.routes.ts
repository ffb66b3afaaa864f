import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { NotificationsService } from '../services/notifications/notifications.service.js';
import { route } from './route.js';

const { notifications: api } = endpoints;

/**
 * `/api/notifications/targets`: webhooks told of ready, failed, crashed, stopped, provisioning done, idle
 * warnings, budgets, deadlines and preemption. URLs are secrets: written, never answered (only
 * `https://host/…`). `env` is `PODPILOT_WEBHOOK_URL`: listed and testable, changed only in the environment.
 */
export const notificationsRoutes: FastifyPluginAsyncZod<{ notifications: NotificationsService }> = async (
  app,
  { notifications },
) => {
  route(app, api.list, async () => ({ targets: await notifications.list() }));

  route(app, api.create, async (request, reply) =>
    reply.code(201).send(await notifications.create(request.body)),
  );

  route(app, api.update, async (request) => notifications.update(request.params.id, request.body));

  route(app, api.remove, async (request, reply) => {
    await notifications.remove(request.params.id);
    return reply.code(204).send(null);
  });

  route(app, api.test, async (request) => notifications.test(request.params.id));
};
