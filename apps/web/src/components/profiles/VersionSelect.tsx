import type { ProfileVersionSummary } from '@podpilot/common';
import { formatDateTime } from '../../lib/format';
import { SelectField } from '../shared/SelectField';

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
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  const options = [
    ...(value === null ? [{ value: '', label: 'Choose…' }] : []),
    ...sorted.map((v) => ({
      value: String(v.version),
      label: `v${v.version}${v.version === latest ? ' (latest)' : ''} · ${v.origin} · ${formatDateTime(v.createdAt)}`,
    })),
  ];
  return (
    <SelectField
      label={label}
      className={className}
      options={options}
      value={value ?? ''}
      onChange={(event) => onChange(Number(event.target.value))}
    />
  );
}
