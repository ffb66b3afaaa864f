import type { InstanceSummary } from '@podpilot/common';
import type { ReactNode } from 'react';
import { dayOf, type OutputsSearch } from '../../lib/outputs-search';
import { selectBaseClass } from '../shared/styles';

export const filterInput =
  'mt-1.5 block h-9 w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset ' +
  'placeholder:text-slate-400 focus:outline-2 focus:outline-offset-0 focus:outline-indigo-500 ' +
  'dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700 dark:[color-scheme:dark]';
const select = `${selectBaseClass} h-9 ring-slate-300 dark:ring-slate-700`;

type Filters = Omit<OutputsSearch, 'view'>;

export interface PartProps {
  /** The form's id prefix. */
  id: string;
  /** Classes that fold the filter away on a phone. */
  more: string;
  search: OutputsSearch;
  onChange: (changes: Partial<Filters>) => void;
}

/** Instance and profile; a filter naming one the lists do not have (destroyed, renamed) still shows. */
export function ChoiceFilters({
  id,
  more,
  search,
  instances,
  profiles = [],
  onChange,
}: PartProps & { instances: InstanceSummary[] | undefined; profiles?: string[] | undefined }) {
  const instanceOptions = [...(instances ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const unknownInstance = search.instance && !instanceOptions.some((i) => i.id === search.instance);
  const unknownProfile = search.profile && !profiles.includes(search.profile);
  return (
    <>
      <Field
        id={`${id}-instance`}
        boxId={`${id}-more`}
        label="Instance"
        className={`col-span-2 sm:col-span-2 lg:col-span-1 ${more}`}
      >
        <select
          id={`${id}-instance`}
          value={search.instance ?? ''}
          onChange={(e) => onChange({ instance: e.target.value || undefined })}
          className={select}
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
      </Field>
      <Field
        id={`${id}-profile`}
        label="Profile"
        className={`col-span-2 sm:col-span-2 lg:col-span-1 ${more}`}
      >
        <select
          id={`${id}-profile`}
          value={search.profile ?? ''}
          onChange={(e) => onChange({ profile: e.target.value || undefined })}
          className={select}
        >
          <option value="">All profiles</option>
          {unknownProfile ? <option value={search.profile}>{search.profile}</option> : null}
          {profiles.map((profile) => (
            <option key={profile} value={profile}>
              {profile}
            </option>
          ))}
        </select>
      </Field>
    </>
  );
}

/** From and To: a range of days. */
export function DayFilters({ id, more, search, onChange }: PartProps) {
  return (
    <>
      <Field id={`${id}-since`} label="From" className={more}>
        <input
          id={`${id}-since`}
          type="date"
          value={dayOf(search.since)}
          max={dayOf(search.until) || undefined}
          onChange={(e) => onChange({ since: e.target.value || undefined })}
          className={filterInput}
        />
      </Field>
      <Field id={`${id}-until`} label="To" className={more}>
        <input
          id={`${id}-until`}
          type="date"
          value={dayOf(search.until)}
          min={dayOf(search.since) || undefined}
          onChange={(e) => onChange({ until: e.target.value || undefined })}
          className={filterInput}
        />
      </Field>
    </>
  );
}

/** A labelled control (the label names the element with `id`). */
export function Field({
  id,
  boxId,
  label,
  className,
  children,
}: {
  id: string;
  boxId?: string;
  label: string;
  className: string;
  children: ReactNode;
}) {
  return (
    <div id={boxId} className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        {label}
      </label>
      {children}
    </div>
  );
}
