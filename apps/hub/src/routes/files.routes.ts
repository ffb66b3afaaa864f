import {
  ApiError,
  ListFilesResponse,
  StartFileUploadRequest,
  StartFileUploadResponse,
} from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FilesService } from '../services/library/files.service.js';

const errors = { 400: ApiError, 401: ApiError };

/** `/api/files`: the owner's files in storage (`files/<path>`), referenced by profiles' `files[].storage`. */
export const filesRoutes: FastifyPluginAsyncZod<{ files: FilesService }> = async (app, { files }) => {
  app.get(
    '/api/files',
    {
      schema: {
        tags: ['files'],
        summary: 'List the files under files/ in storage',
        response: { 200: ListFilesResponse, ...errors },
      },
    },
    async () => ({ files: await files.list() }),
  );

  app.post(
    '/api/files/uploads',
    {
      schema: {
        tags: ['files'],
        summary: 'A presigned PUT to store a file as files/<path> (replacing any previous one)',
        body: StartFileUploadRequest,
        response: { 200: StartFileUploadResponse, ...errors },
      },
    },
    async (request) => files.startUpload(request.body),
  );

  app.delete(
    '/api/files/*',
    {
      schema: {
        tags: ['files'],
        summary: 'Delete files/<path> (no error when it does not exist)',
        params: z.object({ '*': z.string() }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await files.remove(request.params['*']);
      return reply.code(204).send(null);
    },
  );
};
