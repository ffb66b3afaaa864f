import { InstanceState } from '@podpilot/common';
import { useEffect, useId, useState } from 'react';
import { DASHBOARD_SORTS, type DashboardSearch, type DashboardSort } from '../../lib/dashboard-view';
import { SelectField } from '../shared/SelectField';

const SORT_LABELS: Record<DashboardSort, string> = {
  state: 'State (needs attention first)',
  name: 'Name',
  cost: 'Cost (highest first)',
  age: 'Age (newest first)',
};

interface Props {
  search: DashboardSearch;
  choices: { providers: string[]; profiles: string[] };
  /** Replaces the URL's search params with these changes (undefined clears one). */
  onChange(next: Partial<DashboardSearch>): void;
}

const any = (label: string) => ({ value: '', label });

/** Search, filters (state, provider, profile) and sort; every one lives in the URL. */
export function DashboardToolbar({ search, choices, onChange }: Props) {
  const searchId = useId();
  const [q, setQ] = useState(search.q ?? '');
  // A back/forward navigation changes the URL: the field follows it.
  useEffect(() => setQ(search.q ?? ''), [search.q]);
  return (
    <search className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5" aria-label="Find instances">
      <form
        className="sm:col-span-2 lg:col-span-1"
        onSubmit={(e) => {
          e.preventDefault();
          onChange({ q: q.trim() || undefined });
        }}
      >
        <label htmlFor={searchId} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
          Search
        </label>
        <input
          id={searchId}
          type="search"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            onChange({ q: e.target.value.trim() || undefined });
          }}
          placeholder="Name, GPU, reason…"
          className="mt-1 block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-500 focus:outline-2 focus:outline-indigo-500 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700 dark:placeholder:text-slate-400"
        />
      </form>
      <SelectField
        label="State"
        value={search.state ?? ''}
        options={[any('Any state'), ...InstanceState.options]}
        onChange={(e) => onChange({ state: (e.target.value || undefined) as InstanceState | undefined })}
      />
      <SelectField
        label="Provider"
        value={search.provider ?? ''}
        options={[any('Any provider'), ...withCurrent(choices.providers, search.provider)]}
        onChange={(e) => onChange({ provider: e.target.value || undefined })}
      />
      <SelectField
        label="Profile"
        value={search.profile ?? ''}
        options={[any('Any profile'), ...withCurrent(choices.profiles, search.profile)]}
        onChange={(e) => onChange({ profile: e.target.value || undefined })}
      />
      <SelectField
        label="Sort by"
        value={search.sort ?? 'state'}
        options={DASHBOARD_SORTS.map((s) => ({ value: s, label: SORT_LABELS[s] }))}
        onChange={(e) =>
          onChange({ sort: e.target.value === 'state' ? undefined : (e.target.value as DashboardSort) })
        }
      />
    </search>
  );
}

/** The choices, plus the one in the URL when no instance has it (the select must show what filters). */
const withCurrent = (choices: string[], current: string | undefined) =>
  current && !choices.includes(current) ? [...choices, current] : choices;
