import { AGENT_API_PREFIX, ApiError, SnapshotReport, SnapshotResult } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AgentsService } from '../services/agents/agents.service.js';
import type { SnapshotsService } from '../services/snapshots/snapshots.service.js';
import { instanceOf, registerAgentAuth } from './agent.routes.js';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 429: ApiError };

/**
 * `POST /agent/v1/snapshot`: the agent reports what it found for a `snapshot` command of its own instance;
 * the hub stores it as a profile version (origin `snapshot`). Agent token required.
 */
export const agentSnapshotRoutes: FastifyPluginAsyncZod<{
  agents: AgentsService;
  snapshots: SnapshotsService;
}> = async (app, { agents, snapshots }) => {
  registerAgentAuth(app, agents);

  app.post(
    `${AGENT_API_PREFIX}/snapshot`,
    {
      // Up to 500 files of 256 KiB each could be reported; settings files are far smaller in practice.
      bodyLimit: 32 * 1024 * 1024,
      schema: {
        tags: ['agent'],
        summary: 'Report a snapshot of the instance; the hub stores it as a profile version',
        body: SnapshotReport,
        response: { 200: SnapshotResult, ...errors },
      },
    },
    async (request) => snapshots.store(instanceOf(request), request.body),
  );
};
