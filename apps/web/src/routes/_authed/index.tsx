import { useQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { instancesQuery } from '../../api/instances';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { InstancesTable } from '../../components/InstancesTable';
import { Section } from '../../components/Section';
import { usePageTitle } from '../../lib/usePageTitle';

export const Route = createFileRoute('/_authed/')({
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(instancesQuery);
  },
  component: Dashboard,
});

function Dashboard() {
  usePageTitle('Dashboard');
  const instances = useQuery(instancesQuery);
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Dashboard</h1>
      <Section
        title="Instances"
        description="The GPU machines PodPilot runs for you, and what each is doing."
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
        {instances.data?.instances.length === 0 ? (
          <EmptyState title="No instances yet">
            Next step: create a profile (which GPU, image and models to use) and launch an instance from it;
            both arrive in an upcoming release.
          </EmptyState>
        ) : null}
        {instances.data?.instances.length ? <InstancesTable instances={instances.data.instances} /> : null}
      </Section>
    </>
  );
}
