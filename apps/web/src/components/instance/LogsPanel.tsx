import { useEffect, useId, useRef, useState } from 'react';
import { filterLines } from '../../lib/live';
import { QueryError } from '../shared/QueryState';
import { type LogLine, MAX_LINES, useInstanceLog } from './useInstanceLog';

/** The agent's and the WebUI's log: follows new lines while "Follow" is on; the box filters them. */
export function LogsPanel({ instanceId, active }: { instanceId: string; active: boolean }) {
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const { lines, error, loaded, retry } = useInstanceLog(instanceId, follow, active);
  const searchId = useId();
  const shown = filterLines(lines, query);

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
      {error ? <QueryError error={error} retry={retry} /> : null}
      <p className="text-xs text-slate-500 dark:text-slate-400" aria-live="polite">
        {!loaded
          ? 'Loading the log…'
          : query
            ? `${shown.length} of ${lines.length} lines match`
            : `${lines.length} lines${lines.length >= MAX_LINES ? ' (the newest)' : ''}`}
      </p>
      <LogBox shown={shown} follow={follow} empty={loaded && !lines.length} />
    </div>
  );
}

/** The lines, scrolled to the newest while following. */
function LogBox({ shown, follow, empty }: { shown: LogLine[]; follow: boolean; empty: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when new lines arrive
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [shown.length, follow]);
  return (
    <div
      ref={box}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls; keyboard users need to reach it
      tabIndex={0}
      role="log"
      aria-label="Instance log"
      className="h-80 overflow-auto rounded-lg bg-slate-950 p-3 font-mono text-xs leading-5 text-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-500"
    >
      {empty ? <p className="text-slate-400">No log lines yet: the agent sends them once it runs.</p> : null}
      {shown.map((l) => (
        <div key={l.id} className="whitespace-pre-wrap break-all">
          <span className="text-slate-500 select-none">{new Date(l.at).toLocaleTimeString()} </span>
          <span className={l.stream === 'webui' ? 'text-sky-300' : 'text-amber-300'}>{l.stream} </span>
          {l.line}
        </div>
      ))}
    </div>
  );
}
