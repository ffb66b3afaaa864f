import type { ListInstanceLogsResponse } from '@podpilot/common';
import { useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { logsPage } from '../../api/instances';
import { appendCapped } from '../../lib/live';

export type LogLine = z.infer<typeof ListInstanceLogsResponse>['lines'][number];

/** Lines kept in the page; older ones drop off the top. */
export const MAX_LINES = 5_000;
const FOLLOW_EVERY_MS = 3_000;

/**
 * An instance's log lines: every new page at once (1000 lines a call), then again every few seconds while
 * `follow` is on and the instance is active. `retry` starts over after an error.
 */
export function useInstanceLog(instanceId: string, follow: boolean, active: boolean) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loaded, setLoaded] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const after = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` restarts loading after an error (Try again)
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        // Page through everything new (1000 lines a call), then wait.
        for (;;) {
          const page = await logsPage(instanceId, after.current);
          if (stopped) return;
          if (page.lines.length) {
            after.current = page.lines[page.lines.length - 1]?.id ?? after.current;
            setLines((old) => appendCapped(old, page.lines, MAX_LINES));
          }
          if (page.lines.length < 1000) break;
        }
        setError(null);
        setLoaded(true);
        if (follow && active) timer = setTimeout(load, FOLLOW_EVERY_MS);
      } catch (e) {
        if (!stopped) setError(e);
      }
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [instanceId, follow, active, attempt]);

  return { lines, error, loaded, retry: () => setAttempt((n) => n + 1) };
}
