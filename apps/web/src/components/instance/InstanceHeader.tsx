import { Link } from '@tanstack/react-router';
import type { useLiveInstances } from '../../api/live';
import { formatPrice } from '../../lib/format';
import { formatGpuName, formatSpan, formatUsd, isRunning, uptimeMs } from '../../lib/live';
import { webuiHref } from '../../lib/webui-access';
import { ActivityBadge } from '../dashboard/ActivityBadge';
import { InstanceActions } from '../dashboard/InstanceActions';
import { LiveIndicator } from '../dashboard/LiveIndicator';
import { Fact } from '../shared/Fact';
import { OpenWebui, SshCommand } from '../shared/OpenWebui';
import { StateBadge } from '../shared/StateBadge';
import type { InstanceView } from './useInstanceView';

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

const openButton =
  'inline-flex items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:bg-indigo-500';

/** Open WebUI (and the SSH command on a tailnet) where the hub knows the way in; else what the agent says. */
function WebUi({ instance: i }: { instance: InstanceView }) {
  if (webuiHref(i.access))
    return (
      <>
        <OpenWebui instance={i} access={i.access} className={openButton} />
        <SshCommand access={i.access} />
      </>
    );
  return (
    <p className="self-center text-sm text-slate-600 dark:text-slate-400">
      WebUI{' '}
      {i.webui ? `${i.webui.state}${i.webui.port ? ` on port ${i.webui.port}` : ''}` : 'not reported yet'}
      {i.webui?.restarts ? ` · ${i.webui.restarts} restarts` : ''}
      {i.access?.kind === 'public' ? ' · waiting for the provider’s address' : ''}
    </p>
  );
}
