import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AgentsService } from '../services/agents/agents.service.js';
import type { SnapshotsService } from '../services/snapshots/snapshots.service.js';
import { instanceOf, registerAgentAuth } from './agent.routes.js';
import { route } from './route.js';

/**
 * `POST /agent/v1/snapshot`: the agent reports what it found for a `snapshot` command of its own instance;
 * the hub stores it as a profile version (origin `snapshot`). Agent token required.
 */
export const agentSnapshotRoutes: FastifyPluginAsyncZod<{
  agents: AgentsService;
  snapshots: SnapshotsService;
}> = async (app, { agents, snapshots }) => {
  registerAgentAuth(app, agents);

  route(
    app,
    endpoints.agent.snapshot,
    async (request) => snapshots.store(instanceOf(request), request.body),
    {
      // Up to 500 files of 256 KiB each could be reported; settings files are far smaller in practice.
      bodyLimit: 32 * 1024 * 1024,
    },
  );
};
