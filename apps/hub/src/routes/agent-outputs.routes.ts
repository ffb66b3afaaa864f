import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AgentsService } from '../services/agents/agents.service.js';
import type { OutputsService } from '../services/outputs/outputs.service.js';
import { instanceOf, registerAgentAuth } from './agent.routes.js';
import { route } from './route.js';

const api = endpoints.agent;
/** Batches of file descriptions are larger than the default 1 MiB allows. */
const BATCH_LIMIT = { bodyLimit: 4 * 1024 * 1024 };

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

  route(
    app,
    api.presignOutputs,
    async (request) => outputs.presign(instanceOf(request), request.body.files),
    BATCH_LIMIT,
  );

  route(app, api.outputParts, async (request) =>
    outputs.presignParts(
      instanceOf(request),
      request.body.key,
      request.body.uploadId,
      request.body.partNumbers,
    ),
  );

  route(
    app,
    api.confirmOutputs,
    async (request) => outputs.confirm(instanceOf(request), request.body.files),
    BATCH_LIMIT,
  );
};
