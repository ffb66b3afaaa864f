import { LiveLogsEvent, urlFor } from '@podpilot/common';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { endpoints } from '../../api/endpoints';
import { instancesQuery, type LiveStatus, liveStatus } from '../../api/instances';
import { followInstances, readLiveEvent, useLiveStatus } from '../../api/live';
import { reconnectDelayMs } from '../../lib/live';
import { type LogViewLine, mergeLog } from '../../lib/log-view';

/** Lines kept in the page; older ones drop off the top. */
export const MAX_LINES = 5_000;

interface StreamHandlers {
  /** The id of the last log line held: a new stream resumes after it. */
  after: () => number;
  onList: () => void;
  onLines: (lines: LiveLogsEvent['lines']) => void;
}

/**
 * Opens the instance's live stream and keeps it open (reconnecting with backoff when the hub closes it for
 * good) until the returned function is called.
 */
function openInstanceStream(
  instanceId: string,
  queryClient: QueryClient,
  handlers: StreamHandlers,
): () => void {
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let stopped = false;
  const open = () => {
    const query = { instance: instanceId, after: handlers.after() };
    const s = new EventSource(urlFor(endpoints.live.stream, { query }), { withCredentials: true });
    source = s;
    s.onopen = () => {
      attempt = 0;
      liveStatus.set('live');
    };
    followInstances(s, queryClient, handlers.onList);
    s.addEventListener('logs', (e) =>
      readLiveEvent(
        queryClient,
        e,
        (d) => LiveLogsEvent.parse(d),
        ({ lines }) => handlers.onLines(lines),
      ),
    );
    s.onerror = () => {
      liveStatus.set('reconnecting');
      if (s.readyState === EventSource.CONNECTING) return; // the browser reconnects by itself
      s.close();
      source = null;
      void queryClient.invalidateQueries({ queryKey: instancesQuery.queryKey });
      if (!stopped) retry = setTimeout(open, reconnectDelayMs(attempt++));
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(retry);
    source?.close();
    liveStatus.set('connecting');
  };
}

/**
 * The instance page's one stream: `GET /api/live?instance=<id>` keeps the instances list fresh (as the
 * dashboard's feed does) and brings this instance's log, the backlog first, then each new line. A dropped
 * stream resumes after the last line it got (the browser's `Last-Event-ID`, or `after=` on a new one).
 */
export function useInstanceLive(instanceId: string): {
  status: LiveStatus;
  lines: LogViewLine[];
  loaded: boolean;
} {
  const queryClient = useQueryClient();
  const [lines, setLines] = useState<LogViewLine[]>([]);
  const [loaded, setLoaded] = useState(false);
  const lastId = useRef(0);

  useEffect(() => {
    lastId.current = 0;
    setLines([]);
    setLoaded(false);
    return openInstanceStream(instanceId, queryClient, {
      after: () => lastId.current,
      onList: () => setLoaded(true), // the backlog, if any, follows at once
      onLines: (more) => {
        lastId.current = Math.max(lastId.current, more[more.length - 1]?.id ?? 0);
        setLines((held) => mergeLog(held, more, MAX_LINES));
      },
    });
  }, [instanceId, queryClient]);

  return { status: useLiveStatus(), lines, loaded };
}
