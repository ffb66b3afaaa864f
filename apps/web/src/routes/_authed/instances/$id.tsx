import { createFileRoute, Link } from '@tanstack/react-router';
import { instanceQuery, instancesQuery } from '../../../api/instances';
import { InstanceHeader } from '../../../components/instance/InstanceHeader';
import { InstanceSections } from '../../../components/instance/InstanceSections';
import { ProvisioningPanel } from '../../../components/instance/ProvisioningPanel';
import { useInstanceLive } from '../../../components/instance/useInstanceLive';
import { mergeLive, useInstanceView } from '../../../components/instance/useInstanceView';
import { Loading, QueryError } from '../../../components/shared/QueryState';
import { Section } from '../../../components/shared/Section';
import { useNow } from '../../../hooks/useNow';
import { usePageTitle } from '../../../hooks/usePageTitle';
import { pageSections } from '../../../lib/instance-page';

export const Route = createFileRoute('/_authed/instances/$id')({
  loader: ({ context, params }) => {
    void context.queryClient.prefetchQuery(instanceQuery(params.id));
    void context.queryClient.prefetchQuery(instancesQuery);
  },
  component: InstancePage,
});

function InstancePage() {
  const { id } = Route.useParams();
  // One stream for the page: the instances (header) and this instance's log.
  const { status, lines, loaded } = useInstanceLive(id);
  const { detail, live: liveInstance } = useInstanceView(id);
  const now = useNow(1_000);
  usePageTitle(detail.data?.name ?? liveInstance?.name ?? 'Instance');

  if (detail.isPending) return <Loading what="the instance" />;
  if (detail.isError)
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight">Instance</h1>
        <QueryError error={detail.error} retry={() => void detail.refetch()}>
          <Link
            to="/"
            className="inline-flex items-center rounded-md px-3.5 py-2 text-sm font-medium underline focus-visible:outline-2 focus-visible:outline-indigo-500"
          >
            Back to the dashboard
          </Link>
        </QueryError>
      </div>
    );

  const i = mergeLive(detail.data, liveInstance);
  const sections = pageSections(i.state);
  return (
    <>
      <InstanceHeader instance={i} live={status} now={now} />

      {sections.provisioning ? (
        <Section title="Provisioning" description="What the agent downloads and sets up from the profile.">
          {i.provisioning ? (
            <ProvisioningPanel provisioning={i.provisioning} />
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              Waiting for the agent's first report…
            </p>
          )}
        </Section>
      ) : null}

      <InstanceSections id={id} instance={i} sections={sections} log={{ lines, loaded }} now={now} />
    </>
  );
}
