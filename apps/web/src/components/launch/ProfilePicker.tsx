import type { ProfileVersionSummary } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useId } from 'react';
import { profileVersionsQuery } from '../../api/profiles';
import { profileRef } from '../../lib/profiles';
import { QueryError } from '../shared/QueryState';
import { linkClass, selectClass } from '../shared/styles';

interface ProfilePickerProps {
  names: string[];
  name: string | null;
  version: number | null;
  onChange: (name: string, version: number | null) => void;
}

/** Step 1 of the launch page: a profile and one of its versions (the latest by default). */
export function ProfilePicker({ names, name, version, onChange }: ProfilePickerProps) {
  const known = name !== null && names.includes(name);
  const versions = useQuery({ ...profileVersionsQuery(name ?? ''), enabled: known });
  const sorted = [...(versions.data?.versions ?? [])].sort((a, b) => b.version - a.version);
  return (
    <div className="space-y-3">
      <div className="grid max-w-xl gap-4 sm:grid-cols-2">
        <NameSelect names={names} name={name} onChange={(n) => onChange(n, null)} />
        <VersionChoice
          versions={sorted}
          version={version}
          disabled={name === null}
          onChange={(v) => onChange(name ?? '', v)}
        />
      </div>
      {versions.isError ? <QueryError error={versions.error} retry={() => void versions.refetch()} /> : null}
      {name !== null && known ? (
        <p className="text-sm">
          <Link
            to="/profiles/$name"
            params={{ name }}
            search={version ? { version } : {}}
            className={linkClass}
          >
            See what {profileRef(name, version)} contains
          </Link>
        </p>
      ) : null}
    </div>
  );
}

function NameSelect({
  names,
  name,
  onChange,
}: {
  names: string[];
  name: string | null;
  onChange: (name: string) => void;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        Profile
      </label>
      <select id={id} className={selectClass} value={name ?? ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose a profile…</option>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </div>
  );
}

function VersionChoice({
  versions,
  version,
  disabled,
  onChange,
}: {
  /** Newest first. */
  versions: ProfileVersionSummary[];
  version: number | null;
  disabled: boolean;
  onChange: (version: number | null) => void;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        Version
      </label>
      <select
        id={id}
        className={selectClass}
        value={version ?? ''}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
      >
        <option value="">Latest{versions[0] ? ` (v${versions[0].version})` : ''}</option>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version} · {v.origin}
          </option>
        ))}
      </select>
    </div>
  );
}
