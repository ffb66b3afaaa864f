import { endpoints } from '@podpilot/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unauthorized } from '../lib/http-error.js';
import type { AgentSeen } from '../repositories/agent-credentials.repository.js';
import type { AgentsService } from '../services/agents/agents.service.js';
import { route } from './route.js';

const api = endpoints.agent;

declare module 'fastify' {
  interface FastifyRequest {
    /** The instance whose agent token authenticated this `/agent/v1` request. */
    agentInstanceId: string | null;
    /** The instance as the authentication read it. */
    agentSeen: AgentSeen | null;
  }
}

/** The instance of the authenticated agent (never null behind the agent auth hook). */
export const instanceOf = (request: FastifyRequest): string => {
  if (!request.agentInstanceId) throw unauthorized('an agent token is required');
  return request.agentInstanceId;
};

/**
 * Agent auth for the routes of one plugin (`/agent/v1/*` route files call it first): every route not marked
 * `config.public` needs `Authorization: Bearer <agent token>`; `instanceOf(request)` then names its instance.
 */
export function registerAgentAuth(app: FastifyInstance, agents: Pick<AgentsService, 'authenticate'>): void {
  app.decorateRequest('agentInstanceId', null);
  app.decorateRequest('agentSeen', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public) return;
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token)
      throw unauthorized('Authorization: expected "Bearer <agent token>"');
    const agent = await agents.authenticate(token);
    if (!agent) throw unauthorized('Authorization: the agent token is unknown or revoked');
    request.agentInstanceId = agent.instanceId;
    request.agentSeen = agent;
  });
}

/**
 * `/agent/v1`: the agent ↔ hub protocol. Every route but `register` needs `Authorization: Bearer ppa_…`,
 * an agent token that reaches only its own instance.
 */
export const agentRoutes: FastifyPluginAsyncZod<{ agents: AgentsService }> = async (app, { agents }) => {
  registerAgentAuth(app, agents);

  route(app, api.register, async (request) => agents.register(request.body), {
    config: { rateLimit: { max: 30, timeWindow: 60_000 } },
  });

  // Every agent every 5 s: no request log lines at info (a failure is still logged, at warn or error).
  route(
    app,
    api.heartbeat,
    async (request) => agents.heartbeat(instanceOf(request), request.body, request.agentSeen ?? undefined),
    {
      logLevel: 'warn',
    },
  );

  route(app, api.events, async (request) => ({
    accepted: await agents.addEvents(instanceOf(request), request.body.events),
  }));

  route(
    app,
    api.logs,
    async (request) => ({ accepted: await agents.addLogs(instanceOf(request), request.body.lines) }),
    { bodyLimit: 4 * 1024 * 1024 },
  );

  route(app, api.profile, async (request) => ({ profile: await agents.profile(instanceOf(request)) }));

  route(app, api.modelUrls, async (request) => agents.modelUrls(instanceOf(request), request.body.sha256s));

  route(app, api.startPromotion, async (request) =>
    agents.startPromotion(instanceOf(request), request.params.sha256, request.body.sizeBytes),
  );

  route(app, api.promotionParts, async (request) =>
    agents.presignPromotionParts(instanceOf(request), request.params.sha256, request.body.partNumbers),
  );

  route(app, api.completePromotion, async (request) =>
    agents.completePromotion(instanceOf(request), request.params.sha256, request.body.parts),
  );

  route(app, api.fileUrls, async (request) => agents.fileUrls(instanceOf(request), request.body.keys));
};
