import type { InstanceSummary } from '@podpilot/common';
import { useCallback, useId, useState } from 'react';
import { hasFilters, NO_OUTPUT_FILTERS, type OutputsSearch } from '../../lib/outputs-search';
import { Button } from '../shared/Button';
import { errorMessage } from '../shared/ErrorAlert';
import { ChoiceFilters, DayFilters, Field, filterInput } from './FilterFields';
import { useSearchText } from './useSearchText';

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
  const [q, setQ] = useSearchText(
    search.q,
    useCallback((next) => onChange({ q: next }), [onChange]),
  );
  // On a phone the filters beyond the search box fold away until asked for.
  const active = [search.instance, search.profile, search.since, search.until].filter(Boolean).length;
  const [expanded, setExpanded] = useState(false);
  const more = `${expanded ? '' : 'hidden'} sm:block`;

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
        <SearchBox
          id={id}
          q={q}
          onQ={setQ}
          active={active}
          expanded={expanded}
          onExpand={() => setExpanded(!expanded)}
        />
      </div>
      <ChoiceFilters
        id={id}
        more={more}
        search={search}
        instances={instances}
        profiles={profiles}
        onChange={onChange}
      />
      <DayFilters id={id} more={more} search={search} onChange={onChange} />
      <div className={`col-span-2 sm:col-span-4 lg:col-span-1 ${more}`}>
        <Button
          variant="ghost"
          className="w-full lg:w-auto"
          disabled={!hasFilters(search)}
          onClick={() => {
            setQ('');
            onChange(NO_OUTPUT_FILTERS);
          }}
        >
          Clear filters
        </Button>
      </div>
      {choicesError ? <ChoicesError error={choicesError} /> : null}
    </form>
  );
}

interface SearchBoxProps {
  id: string;
  q: string;
  onQ: (q: string) => void;
  /** How many filters beyond the search words are set (shown on the phone's Filters button). */
  active: number;
  expanded: boolean;
  onExpand: () => void;
}

/** The search words, and on a phone the button that unfolds the other filters. */
function SearchBox({ id, q, onQ, active, expanded, onExpand }: SearchBoxProps) {
  return (
    <>
      <Field id={`${id}-q`} label="Search" className="min-w-0 flex-1">
        <input
          id={`${id}-q`}
          type="search"
          value={q}
          onChange={(e) => onQ(e.target.value)}
          placeholder="Words in the prompt or file path"
          maxLength={500}
          className={filterInput}
        />
      </Field>
      <Button
        variant="secondary"
        className="sm:hidden"
        aria-expanded={expanded}
        aria-controls={`${id}-more`}
        onClick={onExpand}
      >
        Filters{active ? ` (${active})` : ''}
      </Button>
    </>
  );
}

function ChoicesError({ error }: { error: unknown }) {
  return (
    <p role="alert" className="col-span-2 text-sm text-red-600 sm:col-span-4 lg:col-span-6 dark:text-red-400">
      Could not load the instances or profiles to choose from: {errorMessage(error)}
    </p>
  );
}
