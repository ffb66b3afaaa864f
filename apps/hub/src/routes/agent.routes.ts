import {
  AcceptedResponse,
  AGENT_API_PREFIX,
  AgentProfileResponse,
  ApiError,
  CompleteModelUploadRequest,
  EventsRequest,
  FileUrlsRequest,
  FileUrlsResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  LogsRequest,
  ModelUrlsRequest,
  ModelUrlsResponse,
  PresignPartsRequest,
  PresignPartsResponse,
  PromoteModelRequest,
  PromotionCompleteResponse,
  PromotionStartResponse,
  RegisterRequest,
  RegisterResponse,
  Sha256,
} from '@podpilot/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unauthorized } from '../lib/http-error.js';
import type { AgentsService } from '../services/agents/agents.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The instance whose agent token authenticated this `/agent/v1` request. */
    agentInstanceId: string | null;
  }
}

const errors = { 400: ApiError, 401: ApiError, 429: ApiError };

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
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public) return;
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token)
      throw unauthorized('Authorization: expected "Bearer <agent token>"');
    const instanceId = await agents.authenticate(token);
    if (!instanceId) throw unauthorized('Authorization: the agent token is unknown or revoked');
    request.agentInstanceId = instanceId;
  });
}

/**
 * `/agent/v1`: the agent ↔ hub protocol. Every route but `register` needs `Authorization: Bearer ppa_…`,
 * an agent token that reaches only its own instance.
 */
export const agentRoutes: FastifyPluginAsyncZod<{ agents: AgentsService }> = async (app, { agents }) => {
  registerAgentAuth(app, agents);

  app.post(
    `${AGENT_API_PREFIX}/register`,
    {
      config: { public: true, rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        tags: ['agent'],
        summary: 'Trade the bootstrap token for an agent token',
        body: RegisterRequest,
        response: { 200: RegisterResponse, ...errors },
      },
    },
    async (request) => agents.register(request.body),
  );

  app.post(
    `${AGENT_API_PREFIX}/heartbeat`,
    {
      schema: {
        tags: ['agent'],
        summary: 'Report facts; the answer carries pending commands',
        body: HeartbeatRequest,
        response: { 200: HeartbeatResponse, ...errors },
      },
    },
    async (request) => agents.heartbeat(instanceOf(request), request.body),
  );

  app.post(
    `${AGENT_API_PREFIX}/events`,
    {
      schema: {
        tags: ['agent'],
        summary: 'Progress, warnings and errors (idempotent per event id)',
        body: EventsRequest,
        response: { 200: AcceptedResponse, ...errors },
      },
    },
    async (request) => ({ accepted: await agents.addEvents(instanceOf(request), request.body.events) }),
  );

  app.post(
    `${AGENT_API_PREFIX}/logs`,
    {
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['agent'],
        summary: 'Batched WebUI and agent log lines',
        body: LogsRequest,
        response: { 200: AcceptedResponse, ...errors },
      },
    },
    async (request) => ({ accepted: await agents.addLogs(instanceOf(request), request.body.lines) }),
  );

  app.get(
    `${AGENT_API_PREFIX}/profile`,
    {
      schema: {
        tags: ['agent'],
        summary: "This instance's profile version",
        response: { 200: AgentProfileResponse, ...errors },
      },
    },
    async (request) => ({ profile: await agents.profile(instanceOf(request)) }),
  );

  app.post(
    `${AGENT_API_PREFIX}/models/urls`,
    {
      schema: {
        tags: ['agent'],
        summary: "Download URLs for this profile's models that the library holds",
        body: ModelUrlsRequest,
        response: { 200: ModelUrlsResponse, 403: ApiError, ...errors },
      },
    },
    async (request) => agents.modelUrls(instanceOf(request), request.body.sha256s),
  );

  const promotion = `${AGENT_API_PREFIX}/models/:sha256/promotion`;
  const params = z.object({ sha256: Sha256 });
  const promotionErrors = { 403: ApiError, 404: ApiError, 409: ApiError, ...errors };

  app.post(
    promotion,
    {
      schema: {
        tags: ['agent'],
        summary:
          "Offer a model of this instance's profile, or one its snapshot asked for, to the library (start or resume the upload)",
        params,
        body: PromoteModelRequest,
        response: { 200: PromotionStartResponse, ...promotionErrors },
      },
    },
    async (request) =>
      agents.startPromotion(instanceOf(request), request.params.sha256, request.body.sizeBytes),
  );

  app.post(
    `${promotion}/parts`,
    {
      schema: {
        tags: ['agent'],
        summary: 'Presigned PUT URLs for parts of the promotion under way',
        params,
        body: PresignPartsRequest,
        response: { 200: PresignPartsResponse, ...promotionErrors },
      },
    },
    async (request) =>
      agents.presignPromotionParts(instanceOf(request), request.params.sha256, request.body.partNumbers),
  );

  app.post(
    `${promotion}/complete`,
    {
      schema: {
        tags: ['agent'],
        summary: 'Complete the promotion: the library now serves the model from storage',
        params,
        body: CompleteModelUploadRequest,
        response: { 200: PromotionCompleteResponse, ...promotionErrors },
      },
    },
    async (request) =>
      agents.completePromotion(instanceOf(request), request.params.sha256, request.body.parts),
  );

  app.post(
    `${AGENT_API_PREFIX}/files/urls`,
    {
      schema: {
        tags: ['agent'],
        summary: "Download URLs for this profile's storage-backed files",
        body: FileUrlsRequest,
        response: { 200: FileUrlsResponse, 403: ApiError, 404: ApiError, ...errors },
      },
    },
    async (request) => agents.fileUrls(instanceOf(request), request.body.keys),
  );
};
