import type { BodyOf } from '@podpilot/common';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiCall } from './client';
import { endpoints } from './endpoints';

const { instances: api } = endpoints;

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/** Whether the live feed (api/live.ts) keeps `['instances']` fresh; while it does, nothing polls. */
export const liveStatus = {
  current: 'connecting' as LiveStatus,
  listeners: new Set<() => void>(),
  set(status: LiveStatus) {
    if (status === this.current) return;
    this.current = status;
    for (const listener of this.listeners) listener();
  },
  subscribe(listener: () => void) {
    liveStatus.listeners.add(listener);
    return () => {
      liveStatus.listeners.delete(listener);
    };
  },
};

/**
 * Every instance with its activity, sync and provisioning (`LiveInstance`, a superset of `InstanceSummary`),
 * newest first. The live feed writes the same key; without it the list is polled every 15 s.
 */
export const instancesQuery = queryOptions({
  queryKey: ['instances'],
  queryFn: () => apiCall(endpoints.live.instances),
  refetchInterval: () => (liveStatus.current === 'live' ? false : 15_000),
});

export const instanceQuery = (id: string) =>
  queryOptions({
    queryKey: ['instance', id],
    queryFn: () => apiCall(api.get, { params: { id } }),
  });

export const transitionsQuery = (id: string) =>
  queryOptions({
    queryKey: ['instance', id, 'transitions'],
    queryFn: () => apiCall(api.transitions, { params: { id } }),
  });

export const activityQuery = (id: string, hours: number) =>
  queryOptions({
    queryKey: ['instance', id, 'activity', hours],
    queryFn: () =>
      apiCall(api.activity, {
        params: { id },
        query: { since: new Date(Date.now() - hours * 3_600_000).toISOString() },
      }),
    // One sample a minute: a minute's refresh shows every new one.
    refetchInterval: 60_000,
  });

export const instanceOutputsQuery = (id: string) =>
  queryOptions({
    queryKey: ['outputs', { instance: id, limit: 12 }],
    queryFn: () => apiCall(endpoints.outputs.list, { query: { instance: id, limit: 12 } }),
  });

export const logsPage = (id: string, after: number) =>
  apiCall(api.logs, { params: { id }, query: { after, limit: 1000 } });

/** `PUT /api/instances/:id/idle-policy` with the override a form built (the hub checks it, naming fields). */
export async function putIdlePolicy(id: string, body: object): Promise<void> {
  await apiCall(api.setIdlePolicy, { params: { id }, body: body as BodyOf<typeof api.setIdlePolicy> });
}

/** `DELETE /api/instances/:id/idle-policy`: back to the profile's idle policy. */
export async function resetIdlePolicy(id: string): Promise<void> {
  await apiCall(api.resetIdlePolicy, { params: { id } });
}

export type InstanceAction =
  | { kind: 'stop' }
  | { kind: 'start' }
  | { kind: 'destroy' }
  | { kind: 'keep-awake'; hours: number | null }
  | { kind: 'sync' };

/** What an action answers, for the message shown after it. */
export type ActionResult = { kind: InstanceAction['kind']; message: string };

async function runAction(id: string, action: InstanceAction): Promise<ActionResult> {
  switch (action.kind) {
    case 'stop':
    case 'start':
    case 'destroy': {
      const detail = await apiCall(api[action.kind], { params: { id } });
      return { kind: action.kind, message: `Now ${detail.state}` };
    }
    case 'keep-awake': {
      const until =
        action.hours === null ? null : new Date(Date.now() + action.hours * 3_600_000).toISOString();
      await apiCall(api.keepAwake, { params: { id }, body: { until } });
      return {
        kind: 'keep-awake',
        message: action.hours === null ? 'Keep-awake cancelled' : `Kept awake for ${action.hours} h`,
      };
    }
    case 'sync': {
      const res = await apiCall(api.sync, { params: { id }, body: { timeoutSeconds: 120 } });
      const message =
        res.result === 'synced'
          ? 'Every output is synced'
          : res.result === 'timeout'
            ? 'The agent did not confirm the sync within 2 minutes'
            : `Sync failed: ${res.message ?? 'no reason given'}`;
      if (res.result !== 'synced') throw new Error(message);
      return { kind: 'sync', message };
    }
  }
}

/** Runs one action on an instance, then refreshes what it may have changed. */
export function useInstanceAction(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: InstanceAction) => runAction(id, action),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['instance', id] });
      void queryClient.invalidateQueries({ queryKey: ['instances'] });
    },
  });
}
