import {
  AGENT_API_PREFIX,
  ApiError,
  ConfirmOutputsRequest,
  ConfirmOutputsResponse,
  PresignOutputPartsRequest,
  PresignOutputsRequest,
  PresignOutputsResponse,
  PresignPartsResponse,
} from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AgentsService } from '../services/agents/agents.service.js';
import type { OutputsService } from '../services/outputs/outputs.service.js';
import { instanceOf, registerAgentAuth } from './agent.routes.js';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 429: ApiError };

/**
 * `/agent/v1/outputs/*`: an agent uploads its instance's finished files through presigned URLs under
 * `outputs/<its instance id>/` and confirms them into the hub's index. Agent token required (as every
 * `/agent/v1` route but register).
 */
export const agentOutputsRoutes: FastifyPluginAsyncZod<{
  agents: AgentsService;
  outputs: OutputsService;
}> = async (app, { agents, outputs }) => {
  registerAgentAuth(app, agents);

  app.post(
    `${AGENT_API_PREFIX}/outputs/presign`,
    {
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['agent'],
        summary: 'Plan the upload of finished output files: indexed already, one PUT, or parts',
        body: PresignOutputsRequest,
        response: { 200: PresignOutputsResponse, ...errors },
      },
    },
    async (request) => outputs.presign(instanceOf(request), request.body.files),
  );

  app.post(
    `${AGENT_API_PREFIX}/outputs/parts`,
    {
      schema: {
        tags: ['agent'],
        summary: 'Presigned PUT URLs for parts of a multipart output upload',
        body: PresignOutputPartsRequest,
        response: { 200: PresignPartsResponse, ...errors },
      },
    },
    async (request) =>
      outputs.presignParts(
        instanceOf(request),
        request.body.key,
        request.body.uploadId,
        request.body.partNumbers,
      ),
  );

  app.post(
    `${AGENT_API_PREFIX}/outputs/confirm`,
    {
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['agent'],
        summary: 'Record uploaded files in the output index (idempotent per key)',
        body: ConfirmOutputsRequest,
        response: { 200: ConfirmOutputsResponse, ...errors },
      },
    },
    async (request) => outputs.confirm(instanceOf(request), request.body.files),
  );
};
