import {
  AcceptedResponse,
  AGENT_API_PREFIX,
  AgentProfileResponse,
  EventsRequest,
  HeartbeatRequest,
  HeartbeatResponse,
  LogsRequest,
  ModelUrlsRequest,
  ModelUrlsResponse,
  PromoteModelRequest,
  PromotionCompleteResponse,
  PromotionStartResponse,
  RegisterRequest,
  RegisterResponse,
} from '../../agent/protocol.js';
import { apiErrors, endpoint } from '../endpoint.js';
import { FileUrlsRequest, FileUrlsResponse } from '../files.js';
import { CompleteModelUploadRequest, PresignPartsRequest, PresignPartsResponse } from '../models.js';
import {
  ConfirmOutputsRequest,
  ConfirmOutputsResponse,
  PresignOutputPartsRequest,
  PresignOutputsRequest,
  PresignOutputsResponse,
} from '../outputs.js';
import { SnapshotReport, SnapshotResult } from '../snapshots.js';
import { ModelShaParams } from './params.js';

const errors = apiErrors(400, 401, 429);
const uploadErrors = apiErrors(400, 401, 403, 404, 409, 429);
const agent = { auth: 'agent', tags: ['agent'] } as const;
const promotion = `${AGENT_API_PREFIX}/models/:sha256/promotion` as const;

/**
 * `/agent/v1`: the agent ↔ hub protocol. Every route but `register` needs `Authorization: Bearer ppa_…`, an
 * agent token that reaches only its own instance.
 */
export const agentEndpoints = {
  register: endpoint({
    ...agent,
    auth: 'public',
    method: 'POST',
    path: `${AGENT_API_PREFIX}/register`,
    body: RegisterRequest,
    responses: { 200: RegisterResponse, ...errors },
    answer: 'json',
    summary: 'Trade the bootstrap token for an agent token',
  }),
  heartbeat: endpoint({
    ...agent,
    method: 'POST',
    path: `${AGENT_API_PREFIX}/heartbeat`,
    body: HeartbeatRequest,
    responses: { 200: HeartbeatResponse, ...errors },
    answer: 'json',
    summary: 'Report facts; the answer carries pending commands',
  }),
  events: endpoint({
    ...agent,
    method: 'POST',
    path: `${AGENT_API_PREFIX}/events`,
    body: EventsRequest,
    responses: { 200: AcceptedResponse, ...errors },
    answer: 'json',
    summary: 'Progress, warnings and errors (idempotent per event id)',
  }),
  logs: endpoint({
    ...agent,
    method: 'POST',
    path: `${AGENT_API_PREFIX}/logs`,
    body: LogsRequest,
    responses: { 200: AcceptedResponse, ...errors },
    answer: 'json',
    summary: 'Batched WebUI and agent log lines',
  }),
  profile: endpoint({
    ...agent,
    method: 'GET',
    path: `${AGENT_API_PREFIX}/profile`,
    responses: { 200: AgentProfileResponse, ...errors },
    answer: 'json',
    summary: "This instance's profile version",
  }),
  modelUrls: endpoint({
    ...agent,
    method: 'POST',
    path: `${AGENT_API_PREFIX}/models/urls`,
    body: ModelUrlsRequest,
    responses: { 200: ModelUrlsResponse, ...apiErrors(400, 401, 403, 429) },
    answer: 'json',
    summary: "Download URLs for this profile's models that the library holds",
  }),
  startPromotion: endpoint({
    ...agent,
    method: 'POST',
    path: promotion,
    params: ModelShaParams,
    body: PromoteModelRequest,
    responses: { 200: PromotionStartResponse, ...uploadErrors },
    answer: 'json',
    summary:
      "Offer a model of this instance's profile, or one its snapshot asked for, to the library (start or resume the upload)",
  }),
  promotionParts: endpoint({
    ...agent,
    method: 'POST',
    path: `${promotion}/parts`,
    params: ModelShaParams,
    body: PresignPartsRequest,
    responses: { 200: PresignPartsResponse, ...uploadErrors },
    answer: 'json',
    summary: 'Presigned PUT URLs for parts of the promotion under way',
  }),
  completePromotion: endpoint({
    ...agent,
    method: 'POST',
    path: `${promotion}/complete`,
    params: ModelShaParams,
    body: CompleteModelUploadRequest,
    responses: { 200: PromotionCompleteResponse, ...uploadErrors },
    answer: 'json',
    summary: 'Complete the promotion: the library now serves the model from storage',
  }),
  fileUrls: endpoint({
    ...agent,
    method: 'POST',
    path: `${AGENT_API_PREFIX}/files/urls`,
    body: FileUrlsRequest,
    responses: { 200: FileUrlsResponse, ...apiErrors(400, 401, 403, 404, 429) },
    answer: 'json',
    summary: "Download URLs for this profile's storage-backed files",
  }),
  presignOutputs: endpoint({
    ...agent,
    method: 'POST',
    path: `${AGENT_API_PREFIX}/outputs/presign`,
    body: PresignOutputsRequest,
    responses: { 200: PresignOutputsResponse, ...uploadErrors },
    answer: 'json',
    summary: 'Plan the upload of finished output files: indexed already, one PUT, or parts',
  }),
  outputParts: endpoint({
    ...agent,
    method: 'POST',
    path: `${AGENT_API_PREFIX}/outputs/parts`,
    body: PresignOutputPartsRequest,
    responses: { 200: PresignPartsResponse, ...uploadErrors },
    answer: 'json',
    summary: 'Presigned PUT URLs for parts of a multipart output upload',
  }),
  confirmOutputs: endpoint({
    ...agent,
    method: 'POST',
    path: `${AGENT_API_PREFIX}/outputs/confirm`,
    body: ConfirmOutputsRequest,
    responses: { 200: ConfirmOutputsResponse, ...uploadErrors },
    answer: 'json',
    summary: 'Record uploaded files in the output index (idempotent per key)',
  }),
  snapshot: endpoint({
    ...agent,
    method: 'POST',
    path: `${AGENT_API_PREFIX}/snapshot`,
    body: SnapshotReport,
    responses: { 200: SnapshotResult, ...uploadErrors },
    answer: 'json',
    summary: 'Report a snapshot of the instance; the hub stores it as a profile version',
  }),
};
