import type { ActivityView } from '@podpilot/common';
import { formatDateTime } from '../../lib/format';
import { idleCountdown } from '../../lib/live';
import { ActivityBadge } from '../dashboard/ActivityBadge';
import { KeepAwake } from './KeepAwake';
import { PolicyForm } from './PolicyForm';

/** Busy or idle and why, the policy in force, the countdown, keep-awake and the owner's override. */
export function IdlePanel({
  instanceId,
  activity,
  now,
}: {
  instanceId: string;
  activity: ActivityView | null;
  now: number;
}) {
  if (!activity)
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Idle stopping watches an instance once it is ready and its agent reports activity (GPU use, the
        WebUI's queue, new outputs, requests). Nothing to judge yet.
      </p>
    );
  const countdown = idleCountdown(activity, now);
  const { policy } = activity;
  return (
    <div className="space-y-5">
      <div className="space-y-2">
        <div className="flex flex-wrap items-center gap-2">
          <ActivityBadge busy={activity.busy} />
          {countdown ? (
            <span
              className={`text-sm font-medium ${activity.warnedAt ? 'text-amber-700 dark:text-amber-400' : ''}`}
            >
              {countdown}
            </span>
          ) : null}
        </div>
        <ul className="list-disc space-y-0.5 pl-5 text-sm text-slate-700 dark:text-slate-300">
          {activity.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Policy:{' '}
          {policy.disabled ? 'idle stopping is off' : `${policy.action} after ${policy.minutes} idle minutes`}{' '}
          ({policy.source === 'override' ? 'your override' : "the profile's"}).
          {activity.lastActivityAt ? <> Last activity {formatDateTime(activity.lastActivityAt)}.</> : null}
        </p>
      </div>
      <KeepAwake instanceId={instanceId} until={activity.keepAwakeUntil} />
      <PolicyForm instanceId={instanceId} activity={activity} />
    </div>
  );
}
