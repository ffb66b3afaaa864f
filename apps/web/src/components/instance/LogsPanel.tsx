import { LogLevel } from '@podpilot/common';
import { useId, useState } from 'react';
import {
  ALL_LINES,
  filterLog,
  type LogFilter,
  type LogViewLine,
  logFileName,
  logText,
} from '../../lib/log-view';
import { Button } from '../shared/Button';
import { selectClass } from '../shared/styles';
import { LogList } from './LogList';
import { MAX_LINES } from './useInstanceLive';

const inputClass =
  'mt-1.5 block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-500 focus:outline-2 focus:outline-indigo-500 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700';
const labelClass = 'block text-sm font-medium text-slate-800 dark:text-slate-200';
const checkClass = 'size-4 rounded border-slate-300 focus-visible:outline-2 focus-visible:outline-indigo-500';

/**
 * The agent's and the WebUI's log, live from the page's stream: filters by source, level and words, wrap,
 * copy and download what is shown. `following`: the instance may still write (else the log is as it ended).
 */
export function LogsPanel({
  instanceName,
  lines,
  loaded,
  following,
}: {
  instanceName: string;
  lines: LogViewLine[];
  loaded: boolean;
  following: boolean;
}) {
  const [filter, setFilter] = useState<LogFilter>(ALL_LINES);
  const [follow, setFollow] = useState(true);
  const [wrap, setWrap] = useState(true);
  const shown = filterLog(lines, filter);
  const filtered = filter.query !== '' || filter.source !== 'all' || filter.minLevel !== 'all';
  return (
    <div className="space-y-3">
      <LogFilters filter={filter} onChange={setFilter} />
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        {following ? <Toggle label="Follow new lines" checked={follow} onChange={setFollow} /> : null}
        <Toggle label="Wrap long lines" checked={wrap} onChange={setWrap} />
        <span className="ml-auto flex gap-2">
          <CopyLines lines={shown} />
          <Button variant="secondary" disabled={!shown.length} onClick={() => download(instanceName, shown)}>
            Download {filtered ? 'shown lines' : 'log'}
          </Button>
        </span>
      </div>
      <p className="text-xs text-slate-600 dark:text-slate-400" aria-live="polite">
        {!loaded
          ? 'Loading the log…'
          : filtered
            ? `${shown.length} of ${lines.length} lines shown`
            : `${lines.length} lines${lines.length >= MAX_LINES ? ' (the newest)' : ''}${following ? '' : ' · the instance writes no more'}`}
      </p>
      <LogList lines={shown} follow={following && follow} wrap={wrap} empty={loaded && !lines.length} />
    </div>
  );
}

function LogFilters({ filter, onChange }: { filter: LogFilter; onChange: (f: LogFilter) => void }) {
  const id = useId();
  return (
    <div className="grid gap-3 sm:grid-cols-[1fr_10rem_10rem]">
      <div className="min-w-0">
        <label htmlFor={`${id}-q`} className={labelClass}>
          Search the log
        </label>
        <input
          id={`${id}-q`}
          type="search"
          value={filter.query}
          onChange={(e) => onChange({ ...filter, query: e.target.value })}
          placeholder="error, model name, …"
          className={inputClass}
        />
      </div>
      <div>
        <label htmlFor={`${id}-s`} className={labelClass}>
          Source
        </label>
        <select
          id={`${id}-s`}
          className={`mt-1.5 ${selectClass}`}
          value={filter.source}
          onChange={(e) => onChange({ ...filter, source: e.target.value as LogFilter['source'] })}
        >
          <option value="all">Agent and WebUI</option>
          <option value="agent">Agent</option>
          <option value="webui">WebUI</option>
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-l`} className={labelClass}>
          Level (agent lines)
        </label>
        <select
          id={`${id}-l`}
          className={`mt-1.5 ${selectClass}`}
          value={filter.minLevel}
          onChange={(e) => onChange({ ...filter, minLevel: e.target.value as LogFilter['minLevel'] })}
        >
          <option value="all">Every line</option>
          {LogLevel.options.map((l) => (
            <option key={l} value={l}>
              {l} and above
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

function CopyLines({ lines }: { lines: LogViewLine[] }) {
  const [said, setSaid] = useState('');
  async function copy() {
    try {
      await navigator.clipboard.writeText(logText(lines));
      setSaid(`Copied ${lines.length} lines`);
    } catch {
      setSaid('Could not copy: the browser allows it on HTTPS or localhost only');
    }
  }
  return (
    <>
      <Button variant="secondary" disabled={!lines.length} onClick={() => void copy()}>
        Copy
      </Button>
      <span role="status" className="sr-only">
        {said}
      </span>
    </>
  );
}

function download(instanceName: string, lines: LogViewLine[]): void {
  const url = URL.createObjectURL(new Blob([logText(lines)], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = logFileName(instanceName, new Date());
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function Toggle({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <input
        type="checkbox"
        className={checkClass}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      {label}
    </label>
  );
}
