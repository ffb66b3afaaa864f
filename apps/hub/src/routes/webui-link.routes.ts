import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { WebuiLinks } from '../services/instances/webui-links.service.js';
import { route } from './route.js';

/** `POST /api/instances/:id/webui-link`: the owner's way into an instance's WebUI. */
export const webuiLinkRoutes: FastifyPluginAsyncZod<{ webuiLinks: WebuiLinks }> = async (
  app,
  { webuiLinks },
) => {
  route(app, endpoints.instances.webuiLink, async (request) => webuiLinks.open(request.params.id));
};
