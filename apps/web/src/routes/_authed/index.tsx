import { useQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { instancesQuery } from '../../api/instances';
import { useLiveInstances } from '../../api/live';
import { DashboardTotals } from '../../components/dashboard/DashboardTotals';
import { EndedInstances } from '../../components/dashboard/EndedInstances';
import { InstanceCard } from '../../components/dashboard/InstanceCard';
import { LiveIndicator } from '../../components/dashboard/LiveIndicator';
import { NoInstances } from '../../components/dashboard/NoInstances';
import { QueryState } from '../../components/shared/QueryState';
import { Section } from '../../components/shared/Section';
import { useNow } from '../../hooks/useNow';
import { usePageTitle } from '../../hooks/usePageTitle';
import { summarizeInstances } from '../../lib/dashboard';

export const Route = createFileRoute('/_authed/')({
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(instancesQuery);
  },
  component: Dashboard,
});

function Dashboard() {
  usePageTitle('Dashboard');
  const live = useLiveInstances();
  const instances = useQuery(instancesQuery);
  const now = useNow(1_000);
  const all = instances.data?.instances ?? [];
  const { current, ended, ...totals } = summarizeInstances(all);

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
            <Link
              to="/launch"
              className="inline-flex items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:bg-indigo-500 dark:hover:bg-indigo-400"
            >
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
                <ul className="grid gap-4 lg:grid-cols-2" aria-label="Current instances">
                  {current.map((instance) => (
                    <li key={instance.id}>
                      <InstanceCard instance={instance} now={now} />
                    </li>
                  ))}
                </ul>
              ) : null}
              {ended.length ? <EndedInstances instances={ended} /> : null}
            </>
          )}
        </QueryState>
      </Section>
    </>
  );
}
