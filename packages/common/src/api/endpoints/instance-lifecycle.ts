import { apiErrors, endpoint } from '../endpoint.js';
import { InstanceDetail, ListInstancesResponse } from '../instances.js';
import { InstanceIdParams } from './id-params.js';

// What the instance routes share.
export const instanceErrors = apiErrors(400, 401, 404);
export const instanceLifecycleErrors = apiErrors(400, 401, 404, 409);
export const instanceRoute = { auth: 'owner', tags: ['instances'] } as const;

/** Stop, start or destroy: the same shape, one summary each. */
const action = <const A extends 'stop' | 'start' | 'destroy'>(name: A, summary: string) =>
  endpoint({
    ...instanceRoute,
    method: 'POST',
    path: `/api/instances/:id/${name}`,
    params: InstanceIdParams,
    responses: { 200: InstanceDetail, ...instanceLifecycleErrors },
    answer: 'json',
    summary,
  });

/**
 * The instances' list, one instance, and stop/start/destroy: part of `instancesEndpoints`, in a module of their
 * own so a program that only lists or steers instances (`podpilot ps`) builds none of the launch, log or
 * activity schemas.
 */
export const instanceLifecycleEndpoints = {
  list: endpoint({
    ...instanceRoute,
    method: 'GET',
    path: '/api/instances',
    responses: { 200: ListInstancesResponse, ...apiErrors(401) },
    answer: 'json',
    summary: 'List instances, newest first',
  }),
  get: endpoint({
    ...instanceRoute,
    method: 'GET',
    path: '/api/instances/:id',
    params: InstanceIdParams,
    responses: { 200: InstanceDetail, ...instanceErrors },
    answer: 'json',
    summary: "One instance with its agent's latest facts",
  }),
  stop: action('stop', 'Final output sync, then stop (the disk is kept)'),
  start: action('start', 'Start a stopped instance again'),
  destroy: action('destroy', 'Final output sync, then destroy for good'),
};
