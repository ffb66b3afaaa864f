import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ModelsService } from '../services/library/models.service.js';
import { route } from './route.js';

const api = endpoints.models;

/** `/api/models`: the content-addressed model library. */
export const modelsRoutes: FastifyPluginAsyncZod<{ models: ModelsService }> = async (app, { models }) => {
  route(app, api.list, async () => ({ models: await models.list() }));

  route(app, api.get, async (request) => models.get(request.params.sha256));

  route(app, api.add, async (request, reply) => {
    const { model, created } = await models.add(request.body);
    return reply.code(created ? 201 : 200).send(model);
  });

  route(app, api.remove, async (request, reply) => {
    await models.remove(request.params.sha256);
    return reply.code(204).send(null);
  });

  route(app, api.startUpload, async (request) => models.startUpload(request.body));

  route(app, api.uploadParts, async (request) =>
    models.presignParts(request.params.sha256, request.body.partNumbers),
  );

  route(app, api.completeUpload, async (request) =>
    models.completeUpload(request.params.sha256, request.body.parts),
  );

  route(app, api.abortUpload, async (request, reply) => {
    await models.abortUpload(request.params.sha256);
    return reply.code(204).send(null);
  });
};
