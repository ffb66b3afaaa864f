import type { CreateSnapshotRequest, SnapshotStatus } from '@podpilot/common';
import { queryOptions, useMutation } from '@tanstack/react-query';
import { apiCall } from './client';
import { endpoints } from './endpoints';

/** How often to ask while the agent has not reported, or still uploads models. */
export const SNAPSHOT_POLL_MS = 3_000;

/**
 * The latest snapshot of the instance (of the command `commandId` when given), or null when there is none
 * yet (until the agent reported). Polled every 3 s while a commandId's result is missing
 * and while the agent still uploads models (`complete` false).
 */
export const snapshotStatusQuery = (instanceId: string, commandId: string | null = null) =>
  queryOptions({
    queryKey: ['instance', instanceId, 'snapshot', commandId ?? 'latest'],
    queryFn: async (): Promise<SnapshotStatus | null> => {
      // The list answers 200 with nothing until the agent reported: no failed request while waiting.
      const { snapshots } = await apiCall(endpoints.snapshots.list, {
        params: { id: instanceId },
        query: { limit: 1, commandId: commandId ?? undefined },
      });
      return snapshots[0] ?? null;
    },
    refetchInterval: (query) => {
      const data = query.state.data;
      if (data === undefined || query.state.status === 'error') return false;
      if (data === null) return commandId ? SNAPSHOT_POLL_MS : false;
      return data.complete ? false : SNAPSHOT_POLL_MS;
    },
  });

/**
 * `POST /api/instances/:id/snapshot`: asks the agent to capture the instance into a profile version (the
 * instance's own profile, or `as`). 202 with the command's id; 409 when the instance is not running.
 */
export function useRequestSnapshot(instanceId: string) {
  return useMutation({
    mutationFn: (body: CreateSnapshotRequest) =>
      apiCall(endpoints.snapshots.request, { params: { id: instanceId }, body }),
  });
}
