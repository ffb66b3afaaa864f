import type { LiveInstance } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { instancesQuery } from '../../api/instances';
import { useLiveInstances } from '../../api/live';
import { BulkBar } from '../../components/dashboard/BulkBar';
import { DashboardToolbar } from '../../components/dashboard/DashboardToolbar';
import { DashboardTotals } from '../../components/dashboard/DashboardTotals';
import { EndedInstances } from '../../components/dashboard/EndedInstances';
import { InstanceCard } from '../../components/dashboard/InstanceCard';
import { LiveIndicator } from '../../components/dashboard/LiveIndicator';
import { NoInstances } from '../../components/dashboard/NoInstances';
import { useBulkActions } from '../../components/dashboard/useBulkActions';
import { Button } from '../../components/shared/Button';
import { QueryState } from '../../components/shared/QueryState';
import { Section } from '../../components/shared/Section';
import { useNow } from '../../hooks/useNow';
import { usePageTitle } from '../../hooks/usePageTitle';
import { summarizeInstances } from '../../lib/dashboard';
import {
  type DashboardSearch,
  filterChoices,
  isFiltered,
  parseDashboardSearch,
  viewInstances,
} from '../../lib/dashboard-view';

export const Route = createFileRoute('/_authed/')({
  validateSearch: (raw: Record<string, unknown>): DashboardSearch => parseDashboardSearch(raw),
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(instancesQuery);
  },
  component: Dashboard,
});

const launchLink =
  'inline-flex items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:bg-indigo-500 dark:hover:bg-indigo-400';

function Dashboard() {
  usePageTitle('Dashboard');
  const live = useLiveInstances();
  const instances = useQuery(instancesQuery);
  const search = Route.useSearch();
  const navigate = Route.useNavigate();
  const all = instances.data?.instances ?? [];
  const { current, ended, ...totals } = summarizeInstances(all);
  const setSearch = (next: Partial<DashboardSearch>) =>
    void navigate({ search: (old) => ({ ...old, ...next }), replace: true });

  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Dashboard</h1>
        <LiveIndicator status={live} />
      </div>
      {all.length ? <DashboardTotals {...totals} /> : null}
      <Section
        title="Instances"
        description="The GPU machines PodPilot runs for you, what each is doing and what it costs."
        actions={
          all.length ? (
            <Link to="/launch" className={launchLink}>
              Launch an instance
            </Link>
          ) : null
        }
      >
        <QueryState query={instances} what="instances">
          {() => (
            <>
              {instances.isSuccess && current.length === 0 ? <NoInstances ever={all.length > 0} /> : null}
              {current.length ? (
                <>
                  <DashboardToolbar search={search} choices={filterChoices(all)} onChange={setSearch} />
                  <CurrentInstances
                    instances={viewInstances(current, search)}
                    hidden={isFiltered(search) ? current.length - viewInstances(current, search).length : 0}
                    onClear={() =>
                      setSearch({ state: undefined, provider: undefined, profile: undefined, q: undefined })
                    }
                  />
                </>
              ) : null}
              {ended.length ? <EndedInstances instances={viewInstances(ended, search)} /> : null}
            </>
          )}
        </QueryState>
      </Section>
    </>
  );
}

interface CurrentProps {
  instances: LiveInstance[];
  /** How many the filters hide. */
  hidden: number;
  onClear(): void;
}

/** The current instances as cards, each selectable for a bulk stop or destroy. */
function CurrentInstances({ instances, hidden, onClear }: CurrentProps) {
  const now = useNow(1_000);
  const bulk = useBulkActions();
  return (
    <>
      <BulkBar bulk={bulk} instances={instances} />
      {hidden ? (
        <p className="flex flex-wrap items-center gap-2 text-sm text-slate-600 dark:text-slate-300">
          {hidden} instance{hidden === 1 ? '' : 's'} hidden by the filters.
          <Button variant="ghost" onClick={onClear}>
            Show all
          </Button>
        </p>
      ) : null}
      {instances.length ? (
        <ul className="grid gap-4 lg:grid-cols-2" aria-label="Current instances">
          {instances.map((instance) => (
            <li key={instance.id}>
              <InstanceCard
                instance={instance}
                now={now}
                selected={bulk.selected.has(instance.id)}
                onSelect={(on) => bulk.toggle(instance.id, on)}
              />
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
