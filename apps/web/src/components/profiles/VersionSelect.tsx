import type { ProfileVersionSummary } from '@podpilot/common';
import { useId } from 'react';
import { formatDateTime } from '../../lib/format';

const select =
  'mt-1.5 block w-full rounded-md border-0 bg-white py-2 pr-8 pl-3 text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset ' +
  'focus:outline-2 focus:outline-indigo-500 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700';

export const selectClass = select;

/** A labelled picker of a profile's versions, newest first. */
export function VersionSelect({
  label,
  versions,
  value,
  onChange,
  latest,
  className = '',
}: {
  label: string;
  versions: readonly ProfileVersionSummary[];
  value: number | null;
  onChange: (version: number) => void;
  latest: number | null;
  className?: string;
}) {
  const id = useId();
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        {label}
      </label>
      <select
        id={id}
        className={select}
        value={value ?? ''}
        onChange={(event) => onChange(Number(event.target.value))}
      >
        {value === null ? <option value="">Choose…</option> : null}
        {sorted.map((v) => (
          <option key={v.version} value={v.version}>
            {`v${v.version}${v.version === latest ? ' (latest)' : ''} · ${v.origin} · ${formatDateTime(v.createdAt)}`}
          </option>
        ))}
      </select>
    </div>
  );
}
