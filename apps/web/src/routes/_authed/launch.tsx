import type { OfferSummary } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useId, useMemo, useState } from 'react';
import { budgetStatusQuery, offersQuery } from '../../api/launch';
import { profilesQuery, profileVersionsQuery } from '../../api/profiles';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LaunchForm } from '../../components/launch/LaunchForm';
import {
  emptyFilterText,
  OfferFiltersForm,
  type OfferFilterText,
  parseFilterText,
} from '../../components/launch/OfferFilters';
import { OffersTable } from '../../components/launch/OffersTable';
import { Loading, linkClass, QueryError } from '../../components/profiles/QueryState';
import { selectClass } from '../../components/profiles/VersionSelect';
import { Section } from '../../components/Section';
import { filterOffers, type OfferSort, offerKey, parsePositive, sortOffers } from '../../lib/offers';
import { parseProfileRef, profileRef } from '../../lib/profiles';
import { usePageTitle } from '../../lib/usePageTitle';

interface LaunchSearch {
  /** `name` or `name@version`. */
  profile?: string;
}

export const Route = createFileRoute('/_authed/launch')({
  validateSearch: (search: Record<string, unknown>): LaunchSearch =>
    typeof search.profile === 'string' && search.profile !== '' ? { profile: search.profile } : {},
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(profilesQuery);
    void context.queryClient.prefetchQuery(budgetStatusQuery);
  },
  component: LaunchPage,
});

/** The value of `state`, handed to a query only once it stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function LaunchPage() {
  usePageTitle('Launch');
  const search = Route.useSearch();
  const navigate = useNavigate();
  const ref = search.profile ? parseProfileRef(search.profile) : null;

  const profiles = useQuery(profilesQuery);
  const budget = useQuery(budgetStatusQuery);

  const [filterText, setFilterText] = useState<OfferFilterText>(emptyFilterText);
  const filters = useMemo(() => parseFilterText(filterText, parsePositive), [filterText]);
  const asked = useDebounced(filters, 350);
  const offers = useQuery(offersQuery(asked));
  const [sort, setSort] = useState<OfferSort>({ key: 'price', direction: 'asc' });
  const [chosen, setChosen] = useState<OfferSummary | null>(null);

  const shown = useMemo(
    () => sortOffers(filterOffers(offers.data?.offers ?? [], filters), sort),
    [offers.data, filters, sort],
  );

  const setProfile = (name: string, version: number | null) =>
    void navigate({
      to: '/launch',
      search: name ? { profile: profileRef(name, version) } : {},
      replace: true,
    });

  const list = profiles.data?.profiles;
  const noProfiles = list?.length === 0;

  return (
    <>
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Launch an instance</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Pick a profile, then a machine to run it on. The instance page follows its progress once launched.
        </p>
      </div>

      {profiles.isError ? <QueryError error={profiles.error} retry={() => void profiles.refetch()} /> : null}
      {profiles.isPending ? <Loading what="profiles" /> : null}
      {noProfiles ? (
        <EmptyState title="No profile to launch yet">
          An instance starts from a profile: the UI, extensions and models to install. Next step:{' '}
          <Link to="/profiles/new" className={linkClass}>
            create a profile
          </Link>
          , then come back here.
        </EmptyState>
      ) : null}

      {list?.length ? (
        <>
          <Section title="1. Profile" description="What the instance installs and runs.">
            <ProfilePicker
              names={list.map((p) => p.name)}
              name={ref?.name ?? null}
              version={ref?.version ?? null}
              onChange={setProfile}
            />
            {ref && !list.some((p) => p.name === ref.name) ? (
              <ErrorAlert error={new Error(`There is no profile named "${ref.name}".`)} />
            ) : null}
          </Section>

          <Section
            title="2. Machine"
            description="Offers from every provider you have a key for, cheapest first. local runs the agent on the hub's machine, without a GPU — the way to try PodPilot before renting one."
          >
            <OfferFiltersForm value={filterText} onChange={setFilterText} />
            {offers.data?.unavailable.length ? <Unavailable list={offers.data.unavailable} /> : null}
            {offers.isError ? <QueryError error={offers.error} retry={() => void offers.refetch()} /> : null}
            {offers.isPending ? <Loading what="offers from the providers" /> : null}
            {offers.data ? (
              <div className={offers.isPlaceholderData ? 'opacity-60' : ''} aria-busy={offers.isFetching}>
                {shown.length === 0 ? (
                  <EmptyState title="No offer matches">
                    Widen the filters (a higher max $/hour, less VRAM, any CUDA), or add a provider key in{' '}
                    <Link to="/settings" className={linkClass}>
                      Settings
                    </Link>
                    .
                  </EmptyState>
                ) : (
                  <OffersTable
                    offers={shown}
                    sort={sort}
                    onSort={setSort}
                    selected={chosen ? offerKey(chosen) : null}
                    onSelect={setChosen}
                    maxPricePerHour={budget.data?.budgets.maxPricePerHour ?? null}
                  />
                )}
                <p className="mt-2 text-xs text-slate-500 dark:text-slate-400" aria-live="polite">
                  {offers.isFetching
                    ? 'Asking the providers…'
                    : `${shown.length} of ${offers.data.offers.length} offers shown.`}
                </p>
              </div>
            ) : null}
          </Section>

          <Section title="3. Launch" description="Check the price and options, then launch.">
            <LaunchForm
              profile={ref && list.some((p) => p.name === ref.name) ? ref : null}
              offer={chosen}
              budget={budget}
            />
          </Section>
        </>
      ) : null}
    </>
  );
}

function ProfilePicker({
  names,
  name,
  version,
  onChange,
}: {
  names: string[];
  name: string | null;
  version: number | null;
  onChange: (name: string, version: number | null) => void;
}) {
  const nameId = useId();
  const versionId = useId();
  const versions = useQuery({
    ...profileVersionsQuery(name ?? ''),
    enabled: name !== null && names.includes(name),
  });
  const sorted = [...(versions.data?.versions ?? [])].sort((a, b) => b.version - a.version);
  return (
    <div className="space-y-3">
      <div className="grid max-w-xl gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor={nameId} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
            Profile
          </label>
          <select
            id={nameId}
            className={selectClass}
            value={name ?? ''}
            onChange={(e) => onChange(e.target.value, null)}
          >
            <option value="">Choose a profile…</option>
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={versionId} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
            Version
          </label>
          <select
            id={versionId}
            className={selectClass}
            value={version ?? ''}
            disabled={name === null}
            onChange={(e) => onChange(name ?? '', e.target.value === '' ? null : Number(e.target.value))}
          >
            <option value="">Latest{sorted[0] ? ` (v${sorted[0].version})` : ''}</option>
            {sorted.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version} · {v.origin}
              </option>
            ))}
          </select>
        </div>
      </div>
      {versions.isError ? <QueryError error={versions.error} retry={() => void versions.refetch()} /> : null}
      {name !== null && names.includes(name) ? (
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

function Unavailable({ list }: { list: { provider: string; reason: string }[] }) {
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300">
      <p className="font-medium">Not asked for offers:</p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {list.map((u) => (
          <li key={u.provider}>
            <strong>{u.provider}</strong>: {u.reason}
          </li>
        ))}
      </ul>
      <p className="mt-2">
        Add a provider's API key in{' '}
        <Link to="/settings" className={linkClass}>
          Settings
        </Link>{' '}
        (or <code className="font-mono text-xs">podpilot secrets set vastai.api_key</code>) to see its GPUs.
      </p>
    </div>
  );
}
