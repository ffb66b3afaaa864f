import type { ListInstanceLogsResponse } from '@podpilot/common';
import { useEffect, useId, useRef, useState } from 'react';
import type { z } from 'zod';
import { logsPage } from '../../api/instances';
import { appendCapped, filterLines } from '../../lib/live';
import { Button } from '../Button';
import { ErrorAlert } from '../ErrorAlert';

type LogLine = z.infer<typeof ListInstanceLogsResponse>['lines'][number];

/** Lines kept in the page; older ones drop off the top. */
const MAX_LINES = 5_000;
const FOLLOW_EVERY_MS = 3_000;

/** The agent's and the WebUI's log: follows new lines while "Follow" is on; the box filters them. */
export function LogsPanel({ instanceId, active }: { instanceId: string; active: boolean }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [loaded, setLoaded] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const after = useRef(0);
  const box = useRef<HTMLDivElement>(null);
  const searchId = useId();

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

  const shown = filterLines(lines, query);
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when new lines arrive
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [shown.length, follow]);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-0 flex-1">
          <label htmlFor={searchId} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
            Search the log
          </label>
          <input
            id={searchId}
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="error, model name, …"
            className="mt-1.5 block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:outline-2 focus:outline-indigo-500 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700"
          />
        </div>
        <label className="flex items-center gap-2 pb-2 text-sm">
          <input
            type="checkbox"
            className="size-4 rounded border-slate-300 focus-visible:outline-2 focus-visible:outline-indigo-500"
            checked={follow}
            onChange={(e) => setFollow(e.target.checked)}
          />
          Follow
        </label>
      </div>
      {error ? (
        <ErrorAlert error={error}>
          <Button variant="secondary" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </Button>
        </ErrorAlert>
      ) : null}
      <p className="text-xs text-slate-500 dark:text-slate-400" aria-live="polite">
        {!loaded
          ? 'Loading the log…'
          : query
            ? `${shown.length} of ${lines.length} lines match`
            : `${lines.length} lines${lines.length >= MAX_LINES ? ' (the newest)' : ''}`}
      </p>
      <div
        ref={box}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls; keyboard users need to reach it
        tabIndex={0}
        role="log"
        aria-label="Instance log"
        className="h-80 overflow-auto rounded-lg bg-slate-950 p-3 font-mono text-xs leading-5 text-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        {loaded && !lines.length ? (
          <p className="text-slate-400">No log lines yet: the agent sends them once it runs.</p>
        ) : null}
        {shown.map((l) => (
          <div key={l.id} className="whitespace-pre-wrap break-all">
            <span className="text-slate-500 select-none">{new Date(l.at).toLocaleTimeString()} </span>
            <span className={l.stream === 'webui' ? 'text-sky-300' : 'text-amber-300'}>{l.stream} </span>
            {l.line}
          </div>
        ))}
      </div>
    </div>
  );
}
