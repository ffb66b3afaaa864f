import type { InstanceDetail, InstanceState, LiveInstance } from '@podpilot/common';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { instanceQuery, instancesQuery } from '../../api/instances';

/** The detail's fields with the live feed's on top: the feed is the freshest, the detail fills in the rest. */
export function mergeLive(detail: InstanceDetail, live: LiveInstance | undefined) {
  return {
    ...detail,
    ...(live ?? {}),
    activity: live ? live.activity : detail.activity,
    sync: live?.sync ?? null,
    provisioning: live?.provisioning ?? null,
    webui: live?.webui ?? null,
  };
}

export type InstanceView = ReturnType<typeof mergeLive>;

/**
 * One instance: its detail, and its entry in the live list (kept fresh by the page's live feed). A state
 * change seen live refreshes what depends on it (history, the detail's agent facts); newly synced files
 * refresh its recent outputs.
 */
export function useInstanceView(id: string) {
  const queryClient = useQueryClient();
  const detail = useQuery(instanceQuery(id));
  const list = useQuery(instancesQuery);
  const live = list.data?.instances.find((i) => i.id === id);

  const lastState = useRef<InstanceState | undefined>(undefined);
  const lastSynced = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!live) return;
    if (lastState.current && lastState.current !== live.state) {
      void queryClient.invalidateQueries({ queryKey: ['instance', id] });
    }
    lastState.current = live.state;
    const synced = live.sync?.syncedFiles;
    if (lastSynced.current !== undefined && synced !== undefined && synced !== lastSynced.current)
      void queryClient.invalidateQueries({ queryKey: ['outputs', { instance: id, limit: 12 }] });
    lastSynced.current = synced;
  }, [live, id, queryClient]);

  return { detail, live };
}
