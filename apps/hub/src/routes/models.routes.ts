import {
  AddModelRequest,
  ApiError,
  CompleteModelUploadRequest,
  ListModelsResponse,
  ModelSummary,
  PresignPartsRequest,
  PresignPartsResponse,
  Sha256,
  StartModelUploadRequest,
  StartModelUploadResponse,
} from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModelsService } from '../services/library/models.service.js';

const ShaParams = z.object({ sha256: Sha256 });
const errors = { 400: ApiError, 401: ApiError, 404: ApiError, 409: ApiError };

/** `/api/models`: the content-addressed model library. */
export const modelsRoutes: FastifyPluginAsyncZod<{ models: ModelsService }> = async (app, { models }) => {
  app.get(
    '/api/models',
    {
      schema: {
        tags: ['models'],
        summary: 'List models with the profile versions that use them',
        response: { 200: ListModelsResponse, ...errors },
      },
    },
    async () => ({ models: await models.list() }),
  );

  app.get(
    '/api/models/:sha256',
    {
      schema: {
        tags: ['models'],
        summary: 'One model',
        params: ShaParams,
        response: { 200: ModelSummary, ...errors },
      },
    },
    async (request) => models.get(request.params.sha256),
  );

  app.post(
    '/api/models',
    {
      schema: {
        tags: ['models'],
        summary: 'Register a model by URL, fetched by the first agent that needs it',
        body: AddModelRequest,
        response: { 200: ModelSummary, 201: ModelSummary, ...errors },
      },
    },
    async (request, reply) => {
      const { model, created } = await models.add(request.body);
      return reply.code(created ? 201 : 200).send(model);
    },
  );

  app.delete(
    '/api/models/:sha256',
    {
      schema: {
        tags: ['models'],
        summary: 'Delete a model and its bytes (refused while a profile uses it)',
        params: ShaParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await models.remove(request.params.sha256);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/models/uploads',
    {
      schema: {
        tags: ['models'],
        summary: 'Start or resume pushing a file (or learn that the library already has it)',
        body: StartModelUploadRequest,
        response: { 200: StartModelUploadResponse, ...errors },
      },
    },
    async (request) => models.startUpload(request.body),
  );

  app.post(
    '/api/models/:sha256/upload/parts',
    {
      schema: {
        tags: ['models'],
        summary: 'Presigned URLs to PUT parts of the upload under way',
        params: ShaParams,
        body: PresignPartsRequest,
        response: { 200: PresignPartsResponse, ...errors },
      },
    },
    async (request) => models.presignParts(request.params.sha256, request.body.partNumbers),
  );

  app.post(
    '/api/models/:sha256/upload/complete',
    {
      schema: {
        tags: ['models'],
        summary: 'Finish the upload: the parts with their ETags',
        params: ShaParams,
        body: CompleteModelUploadRequest,
        response: { 200: ModelSummary, ...errors },
      },
    },
    async (request) => models.completeUpload(request.params.sha256, request.body.parts),
  );

  app.delete(
    '/api/models/:sha256/upload',
    {
      schema: {
        tags: ['models'],
        summary: 'Abandon the upload under way',
        params: ShaParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await models.abortUpload(request.params.sha256);
      return reply.code(204).send(null);
    },
  );
};
