import { ListLiveInstancesResponse, LiveInstance, LiveRemovedEvent, urlFor } from '@podpilot/common';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { applyLiveMessage, type LiveList, type LiveMessage, reconnectDelayMs } from '../lib/live';
import { endpoints } from './endpoints';
import { instancesQuery, type LiveStatus, liveStatus } from './instances';

/** Keeps the stream open this long after the last page using it leaves (no reconnect on each navigation). */
const LINGER_MS = 10_000;

/** One EventSource for the whole tab, shared by every component that wants live instances. */
class LiveConnection {
  private source: EventSource | null = null;
  private users = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private lingerTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly queryClient: QueryClient) {}

  acquire(): () => void {
    this.users += 1;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    if (!this.source && !this.retryTimer) this.open();
    return () => {
      this.users -= 1;
      if (this.users > 0) return;
      this.lingerTimer = setTimeout(() => this.shutdown(), LINGER_MS);
    };
  }

  private open(): void {
    this.retryTimer = null;
    const source = new EventSource(urlFor(endpoints.live.stream), { withCredentials: true });
    this.source = source;
    source.onopen = () => {
      this.attempt = 0;
      liveStatus.set('live');
    };
    followInstances(source, this.queryClient);
    source.onerror = () => {
      if (source.readyState === EventSource.CONNECTING) {
        // The browser reconnects by itself (after the hub's `retry:`).
        liveStatus.set('reconnecting');
        return;
      }
      // Closed for good (an HTTP error such as 401, or the hub went away): reconnect with backoff. A normal
      // fetch meanwhile keeps the list fresh and reports a lost session (the client's 401 handler).
      source.close();
      this.source = null;
      liveStatus.set('reconnecting');
      void this.queryClient.invalidateQueries({ queryKey: instancesQuery.queryKey });
      if (this.users > 0) this.retryTimer = setTimeout(() => this.open(), reconnectDelayMs(this.attempt++));
    };
  }

  private shutdown(): void {
    this.lingerTimer = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.source?.close();
    this.source = null;
    this.attempt = 0;
    liveStatus.set('connecting');
  }
}

/**
 * Reads one message of the live feed with `parse` and hands it to `use`. A message this page cannot read is
 * said in the console and the list falls back to a normal fetch.
 */
export function readLiveEvent<T>(
  queryClient: QueryClient,
  event: Event,
  parse: (data: unknown) => T,
  use: (value: T) => void,
): void {
  let value: T;
  try {
    value = parse(JSON.parse((event as MessageEvent<string>).data));
  } catch (error) {
    console.error('live feed: unreadable message', error);
    void queryClient.invalidateQueries({ queryKey: instancesQuery.queryKey });
    return;
  }
  use(value);
}

/**
 * Keeps the instances list under `['instances']` current from `source`'s `instances`, `instance` and `removed`
 * events; `onList` after each whole list (the first one answers the page's initial load).
 */
export function followInstances(source: EventSource, queryClient: QueryClient, onList?: () => void): void {
  const apply = (message: LiveMessage) =>
    queryClient.setQueryData<LiveList>(instancesQuery.queryKey, (old) => applyLiveMessage(old, message));
  source.addEventListener('instances', (e) =>
    readLiveEvent(
      queryClient,
      e,
      (d) => ListLiveInstancesResponse.parse(d),
      (data) => {
        apply({ event: 'instances', data });
        onList?.();
      },
    ),
  );
  source.addEventListener('instance', (e) =>
    readLiveEvent(
      queryClient,
      e,
      (d) => LiveInstance.parse(d),
      (data) => apply({ event: 'instance', data }),
    ),
  );
  source.addEventListener('removed', (e) =>
    readLiveEvent(
      queryClient,
      e,
      (d) => LiveRemovedEvent.parse(d),
      (data) => apply({ event: 'removed', data }),
    ),
  );
}

/** The live feed's connection state, for any component. */
export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    liveStatus.subscribe,
    () => liveStatus.current,
    () => liveStatus.current,
  );
}

const connections = new WeakMap<QueryClient, LiveConnection>();

/**
 * Opens (or shares) the live feed of instances for as long as the calling component is mounted: the list
 * under `['instances']` stays current without polling. Returns the connection state.
 */
export function useLiveInstances(): LiveStatus {
  const queryClient = useQueryClient();
  useEffect(() => {
    let connection = connections.get(queryClient);
    if (!connection) {
      connection = new LiveConnection(queryClient);
      connections.set(queryClient, connection);
    }
    return connection.acquire();
  }, [queryClient]);
  return useLiveStatus();
}
