import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { LifecycleService } from '../services/instances/lifecycle.service.js';
import type { OffersService } from '../services/instances/offers.service.js';
import { route } from './route.js';

const api = endpoints.instances;

/** Offers, launch, stop/start/destroy and the state history of instances. */
export const lifecycleRoutes: FastifyPluginAsyncZod<{
  lifecycle: LifecycleService;
  offers: OffersService;
}> = async (app, { lifecycle, offers }) => {
  route(app, api.offers, async (request) => offers.search(request.query));

  route(app, api.launch, async (request, reply) => {
    const { instance, created } = await lifecycle.launch(request.body);
    return reply.code(created ? 201 : 200).send(instance);
  });

  for (const action of ['stop', 'start', 'destroy'] as const) {
    route(app, api[action], async (request) => lifecycle[action](request.params.id));
  }

  route(app, api.transitions, async (request) => ({
    transitions: await lifecycle.transitions(request.params.id),
  }));
};
