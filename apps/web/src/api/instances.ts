import {
  InstanceDetail,
  ListActivitySamplesResponse,
  ListInstanceLogsResponse,
  ListLiveInstancesResponse,
  ListOutputsResponse,
  ListTransitionsResponse,
  OutputUrlsResponse,
  SyncInstanceResponse,
} from '@podpilot/common';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

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
  queryFn: () => api('/api/live/instances', { schema: ListLiveInstancesResponse }),
  refetchInterval: () => (liveStatus.current === 'live' ? false : 15_000),
});

export const instanceQuery = (id: string) =>
  queryOptions({
    queryKey: ['instance', id],
    queryFn: () => api(`/api/instances/${id}`, { schema: InstanceDetail }),
  });

export const transitionsQuery = (id: string) =>
  queryOptions({
    queryKey: ['instance', id, 'transitions'],
    queryFn: () => api(`/api/instances/${id}/transitions`, { schema: ListTransitionsResponse }),
  });

export const activityQuery = (id: string, hours: number) =>
  queryOptions({
    queryKey: ['instance', id, 'activity', hours],
    queryFn: () =>
      api(
        `/api/instances/${id}/activity?since=${encodeURIComponent(new Date(Date.now() - hours * 3_600_000).toISOString())}`,
        { schema: ListActivitySamplesResponse },
      ),
    // One sample a minute: a minute's refresh shows every new one.
    refetchInterval: 60_000,
  });

export const instanceOutputsQuery = (id: string) =>
  queryOptions({
    queryKey: ['outputs', { instance: id, limit: 12 }],
    queryFn: () => api(`/api/outputs?instance=${id}&limit=12`, { schema: ListOutputsResponse }),
  });

export const outputUrlsQuery = (outputId: string) =>
  queryOptions({
    queryKey: ['outputs', outputId, 'urls'],
    queryFn: () => api(`/api/outputs/${outputId}/urls`, { schema: OutputUrlsResponse }),
    // Presigned: refreshed well before they expire.
    staleTime: 5 * 60_000,
  });

export const logsPage = (id: string, after: number) =>
  api(`/api/instances/${id}/logs?after=${after}&limit=1000`, { schema: ListInstanceLogsResponse });

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
      const detail = await api(`/api/instances/${id}/${action.kind}`, {
        method: 'POST',
        schema: InstanceDetail,
      });
      return { kind: action.kind, message: `Now ${detail.state}` };
    }
    case 'keep-awake': {
      const until =
        action.hours === null ? null : new Date(Date.now() + action.hours * 3_600_000).toISOString();
      await api(`/api/instances/${id}/keep-awake`, {
        method: 'POST',
        body: { until },
        schema: InstanceDetail,
      });
      return {
        kind: 'keep-awake',
        message: action.hours === null ? 'Keep-awake cancelled' : `Kept awake for ${action.hours} h`,
      };
    }
    case 'sync': {
      const res = await api(`/api/instances/${id}/sync`, {
        method: 'POST',
        body: { timeoutSeconds: 120 },
        schema: SyncInstanceResponse,
      });
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
