import type { InstanceSummary } from '@podpilot/common';
import { useEffect, useId, useState } from 'react';
import { dayOf, hasFilters, type OutputsSearch } from '../../lib/outputs-search';
import { Button } from '../Button';
import { errorMessage } from '../ErrorAlert';
import { selectClass } from '../models/SelectField';

const input =
  'mt-1.5 block h-9 w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset ' +
  'placeholder:text-slate-400 focus:outline-2 focus:outline-offset-0 focus:outline-indigo-500 ' +
  'dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700 dark:[color-scheme:dark]';

type Filters = Omit<OutputsSearch, 'view'>;

interface OutputFiltersProps {
  search: OutputsSearch;
  instances: InstanceSummary[] | undefined;
  profiles: string[] | undefined;
  /** Why a list of choices could not be loaded (the filter still works with what the URL names). */
  choicesError?: unknown;
  onChange: (changes: Partial<Filters>) => void;
}

/** Search words, instance, profile and a day range; each change lands in the URL (shareable, Back undoes). */
export function OutputFilters({ search, instances, profiles, choicesError, onChange }: OutputFiltersProps) {
  const id = useId();
  const [q, setQ] = useState(search.q ?? '');
  // On a phone the filters beyond the search box fold away until asked for.
  const active = [search.instance, search.profile, search.since, search.until].filter(Boolean).length;
  const [expanded, setExpanded] = useState(false);
  const more = `${expanded ? '' : 'hidden'} sm:block`;

  // Follow the URL (Back, a cleared filter) …
  useEffect(() => setQ(search.q ?? ''), [search.q]);
  // … and send typing to it once the typist pauses.
  useEffect(() => {
    const next = q.trim() || undefined;
    if (next === search.q) return;
    const timer = setTimeout(() => onChange({ q: next }), 350);
    return () => clearTimeout(timer);
  }, [q, search.q, onChange]);

  const instanceOptions = [...(instances ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  // A filter naming an instance or profile the lists do not have (destroyed, renamed) still shows.
  const unknownInstance = search.instance && !instanceOptions.some((i) => i.id === search.instance);
  const unknownProfile = search.profile && !(profiles ?? []).includes(search.profile);

  return (
    <form
      aria-label="Filter outputs"
      onSubmit={(e) => {
        e.preventDefault();
        onChange({ q: q.trim() || undefined });
      }}
      className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm sm:grid-cols-4 lg:grid-cols-[2fr_1fr_1fr_auto_auto_auto] lg:items-end dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="col-span-2 flex items-end gap-2 sm:col-span-4 sm:block lg:col-span-1">
        <div className="min-w-0 flex-1">
          <label htmlFor={`${id}-q`} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
            Search
          </label>
          <input
            id={`${id}-q`}
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Words in the prompt or file path"
            maxLength={500}
            className={input}
          />
        </div>
        <Button
          variant="secondary"
          className="sm:hidden"
          aria-expanded={expanded}
          aria-controls={`${id}-more`}
          onClick={() => setExpanded(!expanded)}
        >
          Filters{active ? ` (${active})` : ''}
        </Button>
      </div>
      <div id={`${id}-more`} className={`col-span-2 sm:col-span-2 lg:col-span-1 ${more}`}>
        <label
          htmlFor={`${id}-instance`}
          className="block text-sm font-medium text-slate-800 dark:text-slate-200"
        >
          Instance
        </label>
        <select
          id={`${id}-instance`}
          value={search.instance ?? ''}
          onChange={(e) => onChange({ instance: e.target.value || undefined })}
          className={`${selectClass} h-9 ring-slate-300 dark:ring-slate-700`}
        >
          <option value="">All instances</option>
          {unknownInstance ? <option value={search.instance}>This instance</option> : null}
          {instanceOptions.map((instance) => (
            <option key={instance.id} value={instance.id}>
              {instance.name}
              {instance.state === 'destroyed' ? ' (destroyed)' : ''}
            </option>
          ))}
        </select>
      </div>
      <div className={`col-span-2 sm:col-span-2 lg:col-span-1 ${more}`}>
        <label
          htmlFor={`${id}-profile`}
          className="block text-sm font-medium text-slate-800 dark:text-slate-200"
        >
          Profile
        </label>
        <select
          id={`${id}-profile`}
          value={search.profile ?? ''}
          onChange={(e) => onChange({ profile: e.target.value || undefined })}
          className={`${selectClass} h-9 ring-slate-300 dark:ring-slate-700`}
        >
          <option value="">All profiles</option>
          {unknownProfile ? <option value={search.profile}>{search.profile}</option> : null}
          {(profiles ?? []).map((profile) => (
            <option key={profile} value={profile}>
              {profile}
            </option>
          ))}
        </select>
      </div>
      <div className={more}>
        <label
          htmlFor={`${id}-since`}
          className="block text-sm font-medium text-slate-800 dark:text-slate-200"
        >
          From
        </label>
        <input
          id={`${id}-since`}
          type="date"
          value={dayOf(search.since)}
          max={dayOf(search.until) || undefined}
          onChange={(e) => onChange({ since: e.target.value || undefined })}
          className={input}
        />
      </div>
      <div className={more}>
        <label
          htmlFor={`${id}-until`}
          className="block text-sm font-medium text-slate-800 dark:text-slate-200"
        >
          To
        </label>
        <input
          id={`${id}-until`}
          type="date"
          value={dayOf(search.until)}
          min={dayOf(search.since) || undefined}
          onChange={(e) => onChange({ until: e.target.value || undefined })}
          className={input}
        />
      </div>
      <div className={`col-span-2 sm:col-span-4 lg:col-span-1 ${more}`}>
        <Button
          variant="ghost"
          className="w-full lg:w-auto"
          disabled={!hasFilters(search)}
          onClick={() => {
            setQ('');
            onChange({
              q: undefined,
              instance: undefined,
              profile: undefined,
              since: undefined,
              until: undefined,
            });
          }}
        >
          Clear filters
        </Button>
      </div>
      {choicesError ? (
        <p
          role="alert"
          className="col-span-2 text-sm text-red-600 sm:col-span-4 lg:col-span-6 dark:text-red-400"
        >
          Could not load the instances or profiles to choose from: {errorMessage(choicesError)}
        </p>
      ) : null}
    </form>
  );
}
