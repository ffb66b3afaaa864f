import type { LiveInstance } from '@podpilot/common';
import { Link } from '@tanstack/react-router';
import { formatPrice } from '../../lib/format';
import {
  formatGpuName,
  formatSize,
  formatSpan,
  formatUsd,
  idleCountdown,
  isRunning,
  uptimeMs,
} from '../../lib/live';
import { Fact } from '../shared/Fact';
import { SshCommand } from '../shared/OpenWebui';
import { RelativeTime } from '../shared/RelativeTime';
import { StateBadge } from '../shared/StateBadge';
import { ActivityBadge } from './ActivityBadge';
import { GpuSparkline } from './GpuSparkline';
import { InstanceActions } from './InstanceActions';
import { ProvisioningBar } from './ProvisioningBar';

interface CardProps {
  instance: LiveInstance;
  now: number;
  /** Whether the card is selected for a bulk action; absent: no checkbox. */
  selected?: boolean;
  onSelect?(on: boolean): void;
}

/** One instance on the dashboard: what it is, what it does, what it costs, and its quick actions. */
export function InstanceCard({ instance, now, selected, onSelect }: CardProps) {
  const backlog = instance.sync;
  return (
    <article
      aria-labelledby={`instance-${instance.id}`}
      className={`space-y-4 rounded-lg border bg-white p-4 shadow-sm dark:bg-slate-900 ${selected ? 'border-indigo-500 ring-1 ring-indigo-500' : 'border-slate-200 dark:border-slate-800'}`}
    >
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div className="flex min-w-0 items-start gap-3">
          {onSelect ? (
            <input
              type="checkbox"
              checked={selected ?? false}
              onChange={(e) => onSelect(e.target.checked)}
              aria-label={`Select ${instance.name}`}
              className="mt-1 size-4 shrink-0 accent-indigo-600"
            />
          ) : null}
          <div className="min-w-0">
            <h3 id={`instance-${instance.id}`} className="truncate text-base font-semibold">
              <Link
                to="/instances/$id"
                params={{ id: instance.id }}
                className="rounded-sm hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
              >
                {instance.name}
              </Link>
            </h3>
            <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
              {instance.provider} · {formatGpuName(instance)} · {formatPrice(instance.pricePerHour)}
            </p>
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <StateBadge
            state={instance.state}
            stopReason={instance.stopReason}
            message={instance.stateReason}
          />
          {instance.activity ? <ActivityBadge busy={instance.activity.busy} /> : null}
        </div>
      </header>

      <StateLine instance={instance} />

      <CardStats instance={instance} now={now} />

      {instance.activity && isRunning(instance.state) ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">
          <span className="font-medium">{instance.activity.busy ? 'Busy' : 'Idle'}:</span>{' '}
          {instance.activity.reasons.join('; ') || 'no signal yet'}
        </p>
      ) : null}
      {backlog?.lastError ? (
        <p className="text-sm text-red-700 dark:text-red-400">Sync error: {backlog.lastError}</p>
      ) : null}
      {instance.state === 'provisioning' && instance.provisioning ? (
        <ProvisioningBar provisioning={instance.provisioning} />
      ) : null}

      {isRunning(instance.state) ? <GpuSparkline instanceId={instance.id} /> : null}
      {isRunning(instance.state) ? <SshCommand access={instance.access} /> : null}
      <InstanceActions instance={instance} />
    </article>
  );
}

/**
 * Why it is in its state: a failed (or crashed) instance's reason itself, in red; while it launches, what the
 * provider says it is doing (its phase and message) and when the boot deadline gives up.
 */
function StateLine({ instance }: { instance: LiveInstance }) {
  const status = instance.providerStatus ?? null;
  const launching = ['requested', 'launching', 'booting'].includes(instance.state);
  const failed = instance.state === 'failed';
  return (
    <>
      {instance.stateReason ? (
        <p
          className={`text-sm ${failed ? 'font-medium text-red-700 dark:text-red-400' : 'text-slate-600 dark:text-slate-300'}`}
        >
          {failed ? 'Failed: ' : ''}
          {instance.stateReason}
        </p>
      ) : null}
      {launching && status ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">
          <span className="font-medium">Provider: {status.phase}</span>
          {status.message ? ` — ${status.message}` : ''}
        </p>
      ) : null}
      {launching && instance.bootDeadlineAt ? (
        <p className="text-xs text-slate-600 dark:text-slate-400">
          Gives up <RelativeTime iso={instance.bootDeadlineAt} /> unless it gets further.
        </p>
      ) : null}
    </>
  );
}

/** Cost, uptime, the idle countdown (or keep-awake) and the sync backlog. */
function CardStats({ instance, now }: { instance: LiveInstance; now: number }) {
  const uptime = uptimeMs(instance, now);
  const countdown = idleCountdown(instance.activity, now);
  const backlog = instance.sync;
  return (
    <dl className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-4">
      <Fact label="Cost so far">{formatUsd(instance.costUsd)}</Fact>
      <Fact label={uptime === null ? 'Since' : 'Up for'}>
        {uptime === null ? <RelativeTime iso={instance.stateChangedAt} /> : formatSpan(uptime)}
      </Fact>
      <Fact label="Idle stop">
        {countdown ? (
          <span className={instance.activity?.warnedAt ? 'text-amber-700 dark:text-amber-400' : undefined}>
            {countdown}
          </span>
        ) : instance.activity?.keepAwakeUntil ? (
          <>awake {formatSpan(Date.parse(instance.activity.keepAwakeUntil) - now)}</>
        ) : instance.activity?.policy.disabled ? (
          'off'
        ) : (
          '—'
        )}
      </Fact>
      <Fact label="Sync backlog">
        {backlog ? (
          backlog.backlogFiles ? (
            <span className={backlog.lastError ? 'text-red-700 dark:text-red-400' : undefined}>
              {backlog.backlogFiles} files · {formatSize(backlog.backlogBytes)}
            </span>
          ) : (
            'none'
          )
        ) : (
          '—'
        )}
      </Fact>
    </dl>
  );
}
