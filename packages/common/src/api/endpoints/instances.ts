import { apiErrors, endpoint } from '../endpoint.js';
import { IdlePolicyOverride, KeepAwakeRequest } from '../idle.js';
import {
  CreateCommandRequest,
  CreateCommandResponse,
  InstanceDetail,
  ListInstanceEventsResponse,
  ListInstanceLogsResponse,
} from '../instances.js';
import { LaunchRequest, ListTransitionsResponse, OffersQuery, OffersResponse } from '../launch.js';
import { ActivitySamplesQuery, ListActivitySamplesResponse } from '../live.js';
import { InstanceEventsQuery, InstanceLogsQuery } from '../logs.js';
import { SyncInstanceRequest, SyncInstanceResponse } from '../outputs.js';
import { WebuiLinkResponse } from '../webui-link.js';
import {
  instanceErrors,
  instanceLifecycleEndpoints,
  instanceLifecycleErrors,
  instanceRoute,
} from './instance-lifecycle.js';
import { InstanceIdParams } from './params.js';

/** `/api/instances` and `/api/offers`: the owner's view of instances and their lifecycle. */
export const instancesEndpoints = {
  list: instanceLifecycleEndpoints.list,
  get: instanceLifecycleEndpoints.get,
  events: endpoint({
    ...instanceRoute,
    method: 'GET',
    path: '/api/instances/:id/events',
    params: InstanceIdParams,
    query: InstanceEventsQuery,
    responses: { 200: ListInstanceEventsResponse, ...instanceErrors },
    answer: 'json',
    summary: 'Events of an instance, newest first, by minimum level and time',
  }),
  logs: endpoint({
    ...instanceRoute,
    method: 'GET',
    path: '/api/instances/:id/logs',
    params: InstanceIdParams,
    query: InstanceLogsQuery,
    responses: { 200: ListInstanceLogsResponse, ...instanceErrors },
    answer: 'json',
    summary: 'Log lines after a given line id (0 for the start), by source, minimum level and time',
  }),
  webuiLink: endpoint({
    ...instanceRoute,
    method: 'POST',
    path: '/api/instances/:id/webui-link',
    params: InstanceIdParams,
    responses: { 200: WebuiLinkResponse, ...instanceLifecycleErrors },
    answer: 'json',
    summary: "A short-lived link that opens the instance's WebUI (409 while it serves none)",
  }),
  command: endpoint({
    ...instanceRoute,
    method: 'POST',
    path: '/api/instances/:id/commands',
    params: InstanceIdParams,
    body: CreateCommandRequest,
    responses: { 201: CreateCommandResponse, ...instanceErrors },
    answer: 'json',
    summary: "Queue a command for the instance's agent (sync-now, snapshot, stop-webui, shutdown)",
  }),
  offers: endpoint({
    ...instanceRoute,
    method: 'GET',
    path: '/api/offers',
    query: OffersQuery,
    responses: { 200: OffersResponse, ...apiErrors(400, 401) },
    answer: 'json',
    summary: "Every configured provider's offers, cheapest first",
  }),
  launch: endpoint({
    ...instanceRoute,
    method: 'POST',
    path: '/api/instances',
    body: LaunchRequest,
    responses: { 200: InstanceDetail, 201: InstanceDetail, ...instanceLifecycleErrors },
    answer: 'json',
    summary: 'Launch a profile (idempotent per idempotencyKey: 201 new, 200 repeat)',
  }),
  stop: instanceLifecycleEndpoints.stop,
  start: instanceLifecycleEndpoints.start,
  destroy: instanceLifecycleEndpoints.destroy,
  transitions: endpoint({
    ...instanceRoute,
    method: 'GET',
    path: '/api/instances/:id/transitions',
    params: InstanceIdParams,
    responses: { 200: ListTransitionsResponse, ...instanceLifecycleErrors },
    answer: 'json',
    summary: 'Every state change of the instance with its cause, oldest first',
  }),
  keepAwake: endpoint({
    ...instanceRoute,
    method: 'POST',
    path: '/api/instances/:id/keep-awake',
    params: InstanceIdParams,
    body: KeepAwakeRequest,
    responses: { 200: InstanceDetail, ...instanceErrors },
    answer: 'json',
    summary: 'Keep an instance from idle stopping until a time (null cancels)',
  }),
  setIdlePolicy: endpoint({
    ...instanceRoute,
    method: 'PUT',
    path: '/api/instances/:id/idle-policy',
    params: InstanceIdParams,
    body: IdlePolicyOverride,
    responses: { 200: InstanceDetail, ...instanceErrors },
    answer: 'json',
    summary: "Override the profile's idle policy for one instance",
  }),
  resetIdlePolicy: endpoint({
    ...instanceRoute,
    method: 'DELETE',
    path: '/api/instances/:id/idle-policy',
    params: InstanceIdParams,
    responses: { 200: InstanceDetail, ...instanceErrors },
    answer: 'json',
    summary: "Return to the profile's idle policy",
  }),
  activity: endpoint({
    ...instanceRoute,
    method: 'GET',
    path: '/api/instances/:id/activity',
    params: InstanceIdParams,
    query: ActivitySamplesQuery,
    responses: { 200: ListActivitySamplesResponse, ...instanceErrors },
    answer: 'json',
    summary: 'Activity history (one sample a minute: GPU %, VRAM, busy), oldest first; default last 24 h',
  }),
  sync: endpoint({
    ...instanceRoute,
    method: 'POST',
    path: '/api/instances/:id/sync',
    params: InstanceIdParams,
    // The body may be left out: the default timeout then.
    body: SyncInstanceRequest.nullish(),
    responses: { 200: SyncInstanceResponse, ...instanceErrors },
    answer: 'json',
    summary: "Ask the instance's agent to upload every output now and wait for its confirmation",
  }),
};
