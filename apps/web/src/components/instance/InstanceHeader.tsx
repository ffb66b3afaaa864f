import { Link } from '@tanstack/react-router';
import type { LiveStatus } from '../../api/instances';
import { formatPrice } from '../../lib/format';
import { type Headline, headline, pageSections } from '../../lib/instance-page';
import { formatGpuName, formatSpan, formatUsd, isRunning, uptimeMs } from '../../lib/live';
import { webuiHref } from '../../lib/webui-access';
import { ActivityBadge } from '../dashboard/ActivityBadge';
import { InstanceActions } from '../dashboard/InstanceActions';
import { LiveIndicator } from '../dashboard/LiveIndicator';
import { Fact } from '../shared/Fact';
import { OpenWebui, SshCommand } from '../shared/OpenWebui';
import { StateBadge } from '../shared/StateBadge';
import { Relaunch } from './InstanceSections';
import type { InstanceView } from './useInstanceView';

/**
 * The instance page's top: name, state, live status, what is happening now and why (the headline), the key
 * facts, the WebUI and the actions.
 */
export function InstanceHeader({
  instance: i,
  live,
  now,
}: {
  instance: InstanceView;
  live: LiveStatus;
  now: number;
}) {
  const h = headline(i, now);
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
      <HeadlineBox headline={h} />
      <InstanceFacts instance={i} now={now} />
      <div className="flex flex-wrap items-start gap-2">
        {isRunning(i.state) ? <WebUi instance={i} /> : null}
      </div>
      <div className="flex flex-wrap items-start gap-2">
        <InstanceActions instance={i} showOpen={false} />
        {pageSections(i.state).relaunch ? <Relaunch instance={i} /> : null}
      </div>
    </div>
  );
}

const TONES: Record<Headline['tone'], string> = {
  error: 'border-red-300 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100',
  warn: 'border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-100',
  progress: 'border-sky-300 bg-sky-50 text-sky-950 dark:border-sky-900 dark:bg-sky-950 dark:text-sky-100',
  ok: 'border-emerald-300 bg-emerald-50 text-emerald-950 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-100',
  muted:
    'border-slate-200 bg-white text-slate-900 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-100',
};

/** What is happening now and why; an error's reason is announced to screen readers. */
function HeadlineBox({ headline: h }: { headline: Headline }) {
  return (
    <div
      role={h.tone === 'error' ? 'alert' : 'status'}
      data-testid="instance-headline"
      className={`rounded-lg border px-4 py-3 ${TONES[h.tone]}`}
    >
      <p className="flex flex-wrap items-baseline gap-x-3 font-semibold">
        {h.title}
        {h.countdown ? <span className="text-sm font-medium">{h.countdown}</span> : null}
      </p>
      {h.detail ? <p className="mt-1 text-sm break-words">{h.detail}</p> : null}
    </div>
  );
}

function InstanceFacts({ instance: i, now }: { instance: InstanceView; now: number }) {
  const uptime = uptimeMs(i, now);
  // `publicAddress`: hubs with provider facts (older ones send none).
  const publicAddress = (i as { publicAddress?: string | null }).publicAddress ?? null;
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
      {publicAddress ? <Fact label="Address">{publicAddress}</Fact> : null}
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
