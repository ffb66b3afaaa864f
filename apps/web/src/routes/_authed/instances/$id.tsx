import type { InstanceState, LiveInstance } from '@podpilot/common';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { type ReactNode, useEffect, useRef } from 'react';
import { instanceQuery, instancesQuery } from '../../../api/instances';
import { useLiveInstances } from '../../../api/live';
import { Button } from '../../../components/Button';
import { ActivityBadge } from '../../../components/dashboard/ActivityBadge';
import { InstanceActions } from '../../../components/dashboard/InstanceActions';
import { LiveIndicator } from '../../../components/dashboard/LiveIndicator';
import { useNow } from '../../../components/dashboard/useNow';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { ActivityCharts } from '../../../components/instance/ActivityCharts';
import { IdlePanel } from '../../../components/instance/IdlePanel';
import { LogsPanel } from '../../../components/instance/LogsPanel';
import { ProvisioningPanel } from '../../../components/instance/ProvisioningPanel';
import { RecentOutputs } from '../../../components/instance/RecentOutputs';
import { SnapshotPanel } from '../../../components/instance/SnapshotPanel';
import { Timeline } from '../../../components/instance/Timeline';
import { Section } from '../../../components/Section';
import { StateBadge } from '../../../components/StateBadge';
import { formatPrice } from '../../../lib/format';
import {
  formatGpuName,
  formatSize,
  formatSpan,
  formatUsd,
  isActive,
  isRunning,
  uptimeMs,
} from '../../../lib/live';
import { usePageTitle } from '../../../lib/usePageTitle';

export const Route = createFileRoute('/_authed/instances/$id')({
  loader: ({ context, params }) => {
    void context.queryClient.prefetchQuery(instanceQuery(params.id));
    void context.queryClient.prefetchQuery(instancesQuery);
  },
  component: InstancePage,
});

/** The WebUI's address where the hub can tell it: the `local` provider runs it on the hub's machine. */
function webuiUrl(instance: Pick<LiveInstance, 'provider' | 'webui'>): string | null {
  if (instance.provider !== 'local' || !instance.webui?.port || instance.webui.state !== 'running')
    return null;
  return `${window.location.protocol}//${window.location.hostname}:${instance.webui.port}/`;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5 truncate text-sm font-medium tabular-nums">{children}</dd>
    </div>
  );
}

function InstancePage() {
  const { id } = Route.useParams();
  const live = useLiveInstances();
  const queryClient = useQueryClient();
  const detail = useQuery(instanceQuery(id));
  const list = useQuery(instancesQuery);
  const now = useNow(1_000);
  const liveInstance = list.data?.instances.find((i) => i.id === id);
  usePageTitle(detail.data?.name ?? liveInstance?.name ?? 'Instance');

  // A state change seen live refreshes what depends on it (history, the detail's agent facts).
  const lastState = useRef<InstanceState | undefined>(undefined);
  const lastSynced = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!liveInstance) return;
    if (lastState.current && lastState.current !== liveInstance.state) {
      void queryClient.invalidateQueries({ queryKey: ['instance', id] });
    }
    lastState.current = liveInstance.state;
    const synced = liveInstance.sync?.syncedFiles;
    if (lastSynced.current !== undefined && synced !== undefined && synced !== lastSynced.current)
      void queryClient.invalidateQueries({ queryKey: ['outputs', { instance: id, limit: 12 }] });
    lastSynced.current = synced;
  }, [liveInstance, id, queryClient]);

  if (detail.isPending)
    return (
      <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
        Loading the instance…
      </p>
    );
  if (detail.isError)
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight">Instance</h1>
        <ErrorAlert error={detail.error}>
          <div className="flex flex-wrap gap-2">
            <Button variant="secondary" onClick={() => void detail.refetch()}>
              Try again
            </Button>
            <Link
              to="/"
              className="inline-flex items-center rounded-md px-3.5 py-2 text-sm font-medium underline focus-visible:outline-2 focus-visible:outline-indigo-500"
            >
              Back to the dashboard
            </Link>
          </div>
        </ErrorAlert>
      </div>
    );

  const d = detail.data;
  // The live feed is the freshest; the detail fills in the rest (profile, agent version).
  const i = {
    ...d,
    ...(liveInstance ?? {}),
    activity: liveInstance ? liveInstance.activity : d.activity,
    sync: liveInstance?.sync ?? null,
    provisioning: liveInstance?.provisioning ?? null,
    webui: liveInstance?.webui ?? null,
  };
  const uptime = uptimeMs(i, now);
  const url = webuiUrl(i);

  return (
    <>
      <div className="space-y-3">
        <p className="text-sm">
          <Link
            to="/"
            className="rounded-sm text-slate-600 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-slate-400"
          >
            ← Dashboard
          </Link>
        </p>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="min-w-0 truncate text-2xl font-semibold tracking-tight">{i.name}</h1>
          <StateBadge state={i.state} />
          {i.activity ? <ActivityBadge busy={i.activity.busy} /> : null}
          <span className="ml-auto">
            <LiveIndicator status={live} />
          </span>
        </div>
        {i.stateReason ? <p className="text-sm text-slate-600 dark:text-slate-300">{i.stateReason}</p> : null}
        <dl className="grid grid-cols-2 gap-x-4 gap-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-3 lg:grid-cols-6 dark:border-slate-800 dark:bg-slate-900">
          <Fact label="Provider">
            {i.provider}
            {i.providerInstanceId ? (
              <span className="text-slate-500 dark:text-slate-400"> #{i.providerInstanceId}</span>
            ) : null}
          </Fact>
          <Fact label="GPU">{formatGpuName(i)}</Fact>
          <Fact label="Price">{formatPrice(i.pricePerHour)}</Fact>
          <Fact label="Cost so far">{formatUsd(i.costUsd)}</Fact>
          <Fact label={uptime === null ? 'State since' : 'Up for'}>
            {uptime === null ? new Date(i.stateChangedAt).toLocaleString() : formatSpan(uptime)}
          </Fact>
          <Fact label="Profile">
            {d.profile ? (
              <Link
                to="/profiles/$name"
                params={{ name: d.profile.name }}
                className="rounded-sm text-indigo-700 underline underline-offset-2 hover:text-indigo-500 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-400"
              >
                {d.profile.name}@{d.profile.version}
              </Link>
            ) : (
              '—'
            )}
          </Fact>
        </dl>
        <div className="flex flex-wrap items-start gap-2">
          {isRunning(i.state) ? (
            url ? (
              <a
                href={url}
                target="_blank"
                rel="noreferrer"
                className="inline-flex items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:bg-indigo-500"
              >
                Open WebUI<span className="sr-only"> (new tab)</span>
              </a>
            ) : (
              <p className="self-center text-sm text-slate-600 dark:text-slate-400">
                WebUI{' '}
                {i.webui
                  ? `${i.webui.state}${i.webui.port ? ` on port ${i.webui.port}` : ''}`
                  : 'not reported yet'}
                {i.webui?.restarts ? ` · ${i.webui.restarts} restarts` : ''}
                {i.provider !== 'local' ? ' · reach it through the provider’s port mapping' : ''}
              </p>
            )
          ) : null}
        </div>
        <InstanceActions instance={i} showOpen={false} />
      </div>

      {i.state === 'provisioning' || (i.provisioning && isActive(i.state) && !isRunning(i.state)) ? (
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

      <Section title="Idle stopping" description="Stops (or destroys) the instance when nothing works on it.">
        <IdlePanel
          key={`${i.activity?.policy.source}-${i.activity?.policy.minutes}`}
          instanceId={id}
          activity={i.activity}
          now={now}
        />
      </Section>

      {i.sync ? (
        <Section title="Output sync">
          <dl className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-4">
            <Fact label="Backlog">
              {i.sync.backlogFiles} files · {formatSize(i.sync.backlogBytes)}
            </Fact>
            <Fact label="Synced this run">
              {i.sync.syncedFiles} files · {formatSize(i.sync.syncedBytes)}
            </Fact>
            <Fact label="Last sync">
              {i.sync.lastSyncAt ? new Date(i.sync.lastSyncAt).toLocaleString() : '—'}
            </Fact>
            <Fact label="Last error">{i.sync.lastError ?? 'none'}</Fact>
          </dl>
        </Section>
      ) : null}

      <Section
        title="Snapshot"
        description="Capture what runs on the instance into a profile version, to launch it again."
      >
        <SnapshotPanel
          instanceId={id}
          running={isRunning(i.state)}
          profileName={d.profile?.name ?? null}
          now={now}
        />
      </Section>

      <Section title="Activity" description="GPU use and VRAM, one sample a minute.">
        <ActivityCharts instanceId={id} />
      </Section>

      <Section title="Recent outputs">
        <RecentOutputs instanceId={id} />
      </Section>

      <Section title="Log">
        <LogsPanel instanceId={id} active={isActive(i.state) || i.state === 'stopping'} />
      </Section>

      <Section title="State history">
        <Timeline instanceId={id} />
      </Section>
    </>
  );
}
