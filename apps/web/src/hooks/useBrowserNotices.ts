import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { instancesQuery } from '../api/instances';
import { BROWSER_NOTICES_KEY, noticesBetween } from '../lib/browser-notices';
import type { LiveList } from '../lib/live';

/** Whether this browser can show notifications at all (not in every browser, nor on plain http). */
export const browserCanNotify = (): boolean => typeof window !== 'undefined' && 'Notification' in window;

const listeners = new Set<() => void>();

/** The owner's choice for this browser, and the browser's permission, as one word. */
export type BrowserNoticesState = 'unsupported' | 'off' | 'on' | 'blocked';

function currentState(): BrowserNoticesState {
  if (!browserCanNotify()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  const chosen = localStorage.getItem(BROWSER_NOTICES_KEY) === 'on';
  return chosen && Notification.permission === 'granted' ? 'on' : 'off';
}

/** Turns browser notifications on (asking the browser's permission first) or off; resolves with the new state. */
export async function setBrowserNotices(on: boolean): Promise<BrowserNoticesState> {
  if (on && browserCanNotify() && Notification.permission === 'default')
    await Notification.requestPermission();
  localStorage.setItem(BROWSER_NOTICES_KEY, on ? 'on' : 'off');
  for (const listener of listeners) listener();
  return currentState();
}

/** The state of browser notifications, re-read when it is changed here. */
export function useBrowserNoticesState(): BrowserNoticesState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    currentState,
    () => 'unsupported' as const,
  );
}

/**
 * While a page of the app is open and the owner turned them on: a browser notification when an instance
 * becomes ready, fails or stops, read from the instances list the live feed keeps current.
 */
export function useBrowserNotices(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    let before = queryClient.getQueryData<LiveList>(instancesQuery.queryKey)?.instances;
    return queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || event.query.queryHash !== JSON.stringify(instancesQuery.queryKey))
        return;
      const after = (event.query.state.data as LiveList | undefined)?.instances;
      if (!after) return;
      const notices = noticesBetween(before, after);
      before = after;
      if (currentState() !== 'on') return;
      for (const { title, body, tag } of notices) new Notification(title, { body, tag });
    });
  }, [queryClient]);
}
