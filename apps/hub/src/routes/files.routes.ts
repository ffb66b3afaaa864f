import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FilesService } from '../services/library/files.service.js';
import { route } from './route.js';

const api = endpoints.files;

/** `/api/files`: the owner's files in storage (`files/<path>`), referenced by profiles' `files[].storage`. */
export const filesRoutes: FastifyPluginAsyncZod<{ files: FilesService }> = async (app, { files }) => {
  route(app, api.list, async () => ({ files: await files.list() }));

  route(app, api.startUpload, async (request) => files.startUpload(request.body));

  route(app, api.remove, async (request, reply) => {
    await files.remove(request.params['*']);
    return reply.code(204).send(null);
  });
};
