import { endpoints, SyncInstanceRequest } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { OutputsService } from '../services/outputs/outputs.service.js';
import { route } from './route.js';

const api = endpoints.outputs;

/** `/api/outputs`: every file the instances produced, searchable, with download URLs; and the final sync. */
export const outputsRoutes: FastifyPluginAsyncZod<{ outputs: OutputsService }> = async (app, { outputs }) => {
  route(app, api.list, async (request) => outputs.list(request.query));

  route(app, api.get, async (request) => outputs.get(request.params.id));

  route(app, api.urls, async (request) => outputs.urls(request.params.id));

  route(app, api.remove, async (request) => outputs.trash.remove(request.body));

  route(app, api.restore, async (request) => outputs.trash.restore(request.body.ids));

  route(app, api.zip, async (request) => outputs.zips.create(request.body.ids));

  route(app, api.zipDownload, async (request, reply) => {
    const zip = await outputs.zips.open(request.params.ticket);
    reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="${zip.filename}"`)
      .header('cache-control', 'no-store');
    if (zip.size >= 0) reply.header('content-length', zip.size);
    return reply.send(zip.stream);
  });

  route(app, endpoints.instances.sync, async (request) => {
    const { timeoutSeconds } = request.body ?? SyncInstanceRequest.parse({});
    return outputs.finalSync(request.params.id, timeoutSeconds * 1000);
  });
};
