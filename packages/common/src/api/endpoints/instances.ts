import { apiErrors, endpoint } from '../endpoint.js';
import { IdlePolicyOverride, KeepAwakeRequest } from '../idle.js';
import {
  CreateCommandRequest,
  CreateCommandResponse,
  InstanceDetail,
  ListInstanceEventsResponse,
  ListInstanceLogsResponse,
  ListInstancesResponse,
} from '../instances.js';
import { LaunchRequest, ListTransitionsResponse, OffersQuery, OffersResponse } from '../launch.js';
import { ActivitySamplesQuery, ListActivitySamplesResponse } from '../live.js';
import { InstanceEventsQuery, InstanceLogsQuery } from '../logs.js';
import { SyncInstanceRequest, SyncInstanceResponse } from '../outputs.js';
import { WebuiLinkResponse } from '../webui-link.js';
import { InstanceIdParams } from './params.js';

const errors = apiErrors(400, 401, 404);
const lifecycleErrors = apiErrors(400, 401, 404, 409);
const instance = { auth: 'owner', tags: ['instances'] } as const;

/** Stop, start or destroy: the same shape, one summary each. */
const action = <const A extends 'stop' | 'start' | 'destroy'>(name: A, summary: string) =>
  endpoint({
    ...instance,
    method: 'POST',
    path: `/api/instances/:id/${name}`,
    params: InstanceIdParams,
    responses: { 200: InstanceDetail, ...lifecycleErrors },
    answer: 'json',
    summary,
  });

/** `/api/instances` and `/api/offers`: the owner's view of instances and their lifecycle. */
export const instancesEndpoints = {
  list: endpoint({
    ...instance,
    method: 'GET',
    path: '/api/instances',
    responses: { 200: ListInstancesResponse, ...apiErrors(401) },
    answer: 'json',
    summary: 'List instances, newest first',
  }),
  get: endpoint({
    ...instance,
    method: 'GET',
    path: '/api/instances/:id',
    params: InstanceIdParams,
    responses: { 200: InstanceDetail, ...errors },
    answer: 'json',
    summary: "One instance with its agent's latest facts",
  }),
  events: endpoint({
    ...instance,
    method: 'GET',
    path: '/api/instances/:id/events',
    params: InstanceIdParams,
    query: InstanceEventsQuery,
    responses: { 200: ListInstanceEventsResponse, ...errors },
    answer: 'json',
    summary: 'Events of an instance, newest first, by minimum level and time',
  }),
  logs: endpoint({
    ...instance,
    method: 'GET',
    path: '/api/instances/:id/logs',
    params: InstanceIdParams,
    query: InstanceLogsQuery,
    responses: { 200: ListInstanceLogsResponse, ...errors },
    answer: 'json',
    summary: 'Log lines after a given line id (0 for the start), by source, minimum level and time',
  }),
  webuiLink: endpoint({
    ...instance,
    method: 'POST',
    path: '/api/instances/:id/webui-link',
    params: InstanceIdParams,
    responses: { 200: WebuiLinkResponse, ...lifecycleErrors },
    answer: 'json',
    summary: "A short-lived link that opens the instance's WebUI (409 while it serves none)",
  }),
  command: endpoint({
    ...instance,
    method: 'POST',
    path: '/api/instances/:id/commands',
    params: InstanceIdParams,
    body: CreateCommandRequest,
    responses: { 201: CreateCommandResponse, ...errors },
    answer: 'json',
    summary: "Queue a command for the instance's agent (sync-now, snapshot, stop-webui, shutdown)",
  }),
  offers: endpoint({
    ...instance,
    method: 'GET',
    path: '/api/offers',
    query: OffersQuery,
    responses: { 200: OffersResponse, ...apiErrors(400, 401) },
    answer: 'json',
    summary: "Every configured provider's offers, cheapest first",
  }),
  launch: endpoint({
    ...instance,
    method: 'POST',
    path: '/api/instances',
    body: LaunchRequest,
    responses: { 200: InstanceDetail, 201: InstanceDetail, ...lifecycleErrors },
    answer: 'json',
    summary: 'Launch a profile (idempotent per idempotencyKey: 201 new, 200 repeat)',
  }),
  stop: action('stop', 'Final output sync, then stop (the disk is kept)'),
  start: action('start', 'Start a stopped instance again'),
  destroy: action('destroy', 'Final output sync, then destroy for good'),
  transitions: endpoint({
    ...instance,
    method: 'GET',
    path: '/api/instances/:id/transitions',
    params: InstanceIdParams,
    responses: { 200: ListTransitionsResponse, ...lifecycleErrors },
    answer: 'json',
    summary: 'Every state change of the instance with its cause, oldest first',
  }),
  keepAwake: endpoint({
    ...instance,
    method: 'POST',
    path: '/api/instances/:id/keep-awake',
    params: InstanceIdParams,
    body: KeepAwakeRequest,
    responses: { 200: InstanceDetail, ...errors },
    answer: 'json',
    summary: 'Keep an instance from idle stopping until a time (null cancels)',
  }),
  setIdlePolicy: endpoint({
    ...instance,
    method: 'PUT',
    path: '/api/instances/:id/idle-policy',
    params: InstanceIdParams,
    body: IdlePolicyOverride,
    responses: { 200: InstanceDetail, ...errors },
    answer: 'json',
    summary: "Override the profile's idle policy for one instance",
  }),
  resetIdlePolicy: endpoint({
    ...instance,
    method: 'DELETE',
    path: '/api/instances/:id/idle-policy',
    params: InstanceIdParams,
    responses: { 200: InstanceDetail, ...errors },
    answer: 'json',
    summary: "Return to the profile's idle policy",
  }),
  activity: endpoint({
    ...instance,
    method: 'GET',
    path: '/api/instances/:id/activity',
    params: InstanceIdParams,
    query: ActivitySamplesQuery,
    responses: { 200: ListActivitySamplesResponse, ...errors },
    answer: 'json',
    summary: 'Activity history (one sample a minute: GPU %, VRAM, busy), oldest first; default last 24 h',
  }),
  sync: endpoint({
    ...instance,
    method: 'POST',
    path: '/api/instances/:id/sync',
    params: InstanceIdParams,
    // The body may be left out: the default timeout then.
    body: SyncInstanceRequest.nullish(),
    responses: { 200: SyncInstanceResponse, ...errors },
    answer: 'json',
    summary: "Ask the instance's agent to upload every output now and wait for its confirmation",
  }),
};
