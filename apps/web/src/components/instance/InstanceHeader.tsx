import { Link } from '@tanstack/react-router';
import type { useLiveInstances } from '../../api/live';
import { formatPrice } from '../../lib/format';
import { formatGpuName, formatSpan, formatUsd, isRunning, uptimeMs } from '../../lib/live';
import { ActivityBadge } from '../dashboard/ActivityBadge';
import { InstanceActions } from '../dashboard/InstanceActions';
import { LiveIndicator } from '../dashboard/LiveIndicator';
import { Fact } from '../shared/Fact';
import { StateBadge } from '../shared/StateBadge';
import type { InstanceView } from './useInstanceView';

/** The WebUI's address where the hub can tell it: the `local` provider runs it on the hub's machine. */
function webuiUrl(instance: Pick<InstanceView, 'provider' | 'webui'>): string | null {
  if (instance.provider !== 'local' || !instance.webui?.port || instance.webui.state !== 'running')
    return null;
  return `${window.location.protocol}//${window.location.hostname}:${instance.webui.port}/`;
}

/** The instance page's top: name, state, live status, the key facts, the WebUI and the actions. */
export function InstanceHeader({
  instance: i,
  live,
  now,
}: {
  instance: InstanceView;
  live: ReturnType<typeof useLiveInstances>;
  now: number;
}) {
  return (
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
        <StateBadge state={i.state} stopReason={i.stopReason} message={i.stateReason} />
        {i.activity ? <ActivityBadge busy={i.activity.busy} /> : null}
        <span className="ml-auto">
          <LiveIndicator status={live} />
        </span>
      </div>
      {i.stateReason ? <p className="text-sm text-slate-600 dark:text-slate-300">{i.stateReason}</p> : null}
      <InstanceFacts instance={i} now={now} />
      <div className="flex flex-wrap items-start gap-2">
        {isRunning(i.state) ? <WebUi instance={i} /> : null}
      </div>
      <InstanceActions instance={i} showOpen={false} />
    </div>
  );
}

function InstanceFacts({ instance: i, now }: { instance: InstanceView; now: number }) {
  const uptime = uptimeMs(i, now);
  return (
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
        {i.profile ? (
          <Link
            to="/profiles/$name"
            params={{ name: i.profile.name }}
            className="rounded-sm text-indigo-700 underline underline-offset-2 hover:text-indigo-500 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-400"
          >
            {i.profile.name}@{i.profile.version}
          </Link>
        ) : (
          '—'
        )}
      </Fact>
    </dl>
  );
}

/** Open WebUI where the hub knows its address; otherwise what the agent says of it. */
function WebUi({ instance: i }: { instance: InstanceView }) {
  const url = webuiUrl(i);
  if (url)
    return (
      <a
        href={url}
        target="_blank"
        rel="noreferrer"
        className="inline-flex items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:bg-indigo-500"
      >
        Open WebUI<span className="sr-only"> (new tab)</span>
      </a>
    );
  return (
    <p className="self-center text-sm text-slate-600 dark:text-slate-400">
      WebUI{' '}
      {i.webui ? `${i.webui.state}${i.webui.port ? ` on port ${i.webui.port}` : ''}` : 'not reported yet'}
      {i.webui?.restarts ? ` · ${i.webui.restarts} restarts` : ''}
      {i.provider !== 'local' ? ' · reach it through the provider’s port mapping' : ''}
    </p>
  );
}
