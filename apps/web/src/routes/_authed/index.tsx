import { useQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { instancesQuery } from '../../api/instances';
import { useLiveInstances } from '../../api/live';
import { Button } from '../../components/Button';
import { EndedInstances } from '../../components/dashboard/EndedInstances';
import { InstanceCard } from '../../components/dashboard/InstanceCard';
import { LiveIndicator } from '../../components/dashboard/LiveIndicator';
import { useNow } from '../../components/dashboard/useNow';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Section } from '../../components/Section';
import { formatUsd, isActive } from '../../lib/live';
import { usePageTitle } from '../../lib/usePageTitle';

export const Route = createFileRoute('/_authed/')({
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(instancesQuery);
  },
  component: Dashboard,
});

const textLink =
  'font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-500 dark:text-indigo-400 ' +
  'rounded-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500';

function Dashboard() {
  usePageTitle('Dashboard');
  const live = useLiveInstances();
  const instances = useQuery(instancesQuery);
  const now = useNow(1_000);
  const all = instances.data?.instances ?? [];
  const current = all.filter((i) => i.state !== 'destroyed' && i.state !== 'failed');
  const ended = all.filter((i) => i.state === 'destroyed' || i.state === 'failed');
  const running = all.filter((i) => isActive(i.state));
  const perHour = running.reduce((sum, i) => sum + (i.pricePerHour ?? 0), 0);
  const spent = all.reduce((sum, i) => sum + i.costUsd, 0);

  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Dashboard</h1>
        <LiveIndicator status={live} />
      </div>
      {all.length ? (
        <dl className="grid grid-cols-3 gap-3">
          {[
            ['Running', String(running.length)],
            ['Burning', `${formatUsd(perHour)}/h`],
            ['Spent, all instances', formatUsd(spent)],
          ].map(([label, value]) => (
            <div
              key={label}
              className="rounded-lg border border-slate-200 bg-white px-3 py-2.5 shadow-sm sm:px-4 dark:border-slate-800 dark:bg-slate-900"
            >
              <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
              <dd className="mt-0.5 text-lg font-semibold tabular-nums">{value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
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
        {instances.isError ? (
          <ErrorAlert error={instances.error}>
            <Button variant="secondary" onClick={() => void instances.refetch()}>
              Try again
            </Button>
          </ErrorAlert>
        ) : null}
        {instances.isPending ? (
          <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
            Loading instances…
          </p>
        ) : null}
        {instances.isSuccess && all.length === 0 ? (
          <EmptyState title="No instances yet">
            Next step:{' '}
            <Link to="/profiles" className={textLink}>
              apply a profile
            </Link>{' '}
            (the WebUI, extensions and models you want), then{' '}
            <Link to="/launch" className={textLink}>
              launch
            </Link>{' '}
            it on a GPU. Instances appear here as they start, with their cost and activity.
          </EmptyState>
        ) : null}
        {instances.isSuccess && all.length > 0 && current.length === 0 ? (
          <EmptyState title="Nothing running">
            Every instance has ended.{' '}
            <Link to="/launch" className={textLink}>
              Launch one
            </Link>{' '}
            when you need a GPU again.
          </EmptyState>
        ) : null}
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
      </Section>
    </>
  );
}
