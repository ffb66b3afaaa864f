import type { ProfileVersionSummary } from '@podpilot/common';
import { useId } from 'react';
import { formatDateTime } from '../../lib/format';
import { selectClass } from '../shared/styles';

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
        className={selectClass}
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
