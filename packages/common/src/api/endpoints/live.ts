import { apiErrors, endpoint } from '../endpoint.js';
import { ListLiveInstancesResponse, LiveStreamQuery } from '../live.js';
import { CreateSnapshotRequest, ListSnapshotsResponse, SnapshotStatus } from '../snapshots.js';
import {
  InstanceIdParams,
  LatestSnapshotQuery,
  ListSnapshotsQuery,
  SnapshotQueuedResponse,
} from './params.js';

const instance = { auth: 'owner', tags: ['instances'] } as const;

/** `/api/live`: instances as Server-Sent Events, and the same list once. */
export const liveEndpoints = {
  stream: endpoint({
    ...instance,
    method: 'GET',
    path: '/api/live',
    query: LiveStreamQuery,
    responses: { ...apiErrors(400, 401, 404) },
    answer: 'sse',
    summary:
      'Server-Sent Events: `instances` (every instance, on connect), then `instance` (one changed) and `removed`; with ?instance=, its log lines (`logs`)',
  }),
  instances: endpoint({
    ...instance,
    method: 'GET',
    path: '/api/live/instances',
    responses: { 200: ListLiveInstancesResponse, ...apiErrors(401) },
    answer: 'json',
    summary: 'Every instance as the live feed shows it (activity, sync, provisioning), newest first',
  }),
};

const snapshotErrors = apiErrors(400, 401, 404, 409);

/** The owner's side of snapshots: ask an instance for one, read the results. */
export const snapshotsEndpoints = {
  request: endpoint({
    ...instance,
    method: 'POST',
    path: '/api/instances/:id/snapshot',
    params: InstanceIdParams,
    body: CreateSnapshotRequest,
    responses: { 202: SnapshotQueuedResponse, ...snapshotErrors },
    answer: 'json',
    summary: "Capture the running instance into a profile version (the agent's snapshot command)",
  }),
  latest: endpoint({
    ...instance,
    method: 'GET',
    path: '/api/instances/:id/snapshots/latest',
    params: InstanceIdParams,
    query: LatestSnapshotQuery,
    responses: { 200: SnapshotStatus, ...snapshotErrors },
    answer: 'json',
    summary: 'The last snapshot stored for the instance (of one command with ?commandId=)',
  }),
  list: endpoint({
    ...instance,
    method: 'GET',
    path: '/api/instances/:id/snapshots',
    params: InstanceIdParams,
    query: ListSnapshotsQuery,
    responses: { 200: ListSnapshotsResponse, ...snapshotErrors },
    answer: 'json',
    summary: 'Stored snapshots of the instance, newest first (empty until the agent reported)',
  }),
};
