import type { ActivityView } from '@podpilot/common';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { ApiRequestError, api } from '../../api/client';
import { useInstanceAction } from '../../api/instances';
import { formatDateTime } from '../../lib/format';
import { idleCountdown, idleOverrideBody, issueField } from '../../lib/live';
import { Button } from '../Button';
import { ActivityBadge } from '../dashboard/ActivityBadge';
import { ErrorAlert } from '../ErrorAlert';
import { TextField } from '../TextField';

const select =
  'mt-1.5 block w-full rounded-md border-0 bg-white px-3 py-2 text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset ' +
  'focus:outline-2 focus:outline-indigo-500 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700';

/** Fields of the form that show their own errors. */
const FIELDS = ['minutes', 'action', 'disabled'];

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

function KeepAwake({ instanceId, until }: { instanceId: string; until: string | null }) {
  const action = useInstanceAction(instanceId);
  const pending =
    action.isPending && action.variables.kind === 'keep-awake' ? action.variables.hours : undefined;
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">Keep awake</legend>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {until
          ? `Kept awake until ${formatDateTime(until)}.`
          : 'No idle stop for a while, whatever the activity.'}
      </p>
      <div className="flex flex-wrap gap-2">
        {[1, 2, 4, 8].map((hours) => (
          <Button
            key={hours}
            variant="secondary"
            busy={pending === hours}
            busyLabel="Saving…"
            disabled={action.isPending}
            onClick={() => action.mutate({ kind: 'keep-awake', hours })}
          >
            {hours} h
          </Button>
        ))}
        {until ? (
          <Button
            variant="ghost"
            busy={pending === null}
            busyLabel="Cancelling…"
            disabled={action.isPending}
            onClick={() => action.mutate({ kind: 'keep-awake', hours: null })}
          >
            Cancel keep-awake
          </Button>
        ) : null}
      </div>
      {action.isError ? <ErrorAlert error={action.error} /> : null}
    </fieldset>
  );
}

function PolicyForm({ instanceId, activity }: { instanceId: string; activity: ActivityView }) {
  const queryClient = useQueryClient();
  const { policy } = activity;
  const [minutes, setMinutes] = useState(policy.source === 'override' ? String(policy.minutes) : '');
  const [action, setAction] = useState<'stop' | 'destroy'>(policy.action);
  const [disabled, setDisabled] = useState(policy.disabled);
  const [localError, setLocalError] = useState<string | undefined>();
  const actionId = useId();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['instance', instanceId] });
    void queryClient.invalidateQueries({ queryKey: ['instances'] });
  };
  const save = useMutation({
    mutationFn: (body: object) => api(`/api/instances/${instanceId}/idle-policy`, { method: 'PUT', body }),
    onSettled: refresh,
  });
  const reset = useMutation({
    mutationFn: () => api(`/api/instances/${instanceId}/idle-policy`, { method: 'DELETE' }),
    onSuccess: () => setMinutes(''),
    onSettled: refresh,
  });
  const issues = save.error instanceof ApiRequestError ? save.error.issues : [];
  const fieldError = (field: string) => issues.find((i) => issueField(i.path) === field)?.message;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = idleOverrideBody({ minutes, action, disabled });
    if ('error' in parsed) {
      setLocalError(parsed.error);
      return;
    }
    setLocalError(undefined);
    save.mutate(parsed.body);
  };
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium">Idle policy for this instance</legend>
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField
            label="Idle minutes"
            inputMode="numeric"
            placeholder={String(policy.minutes)}
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
            error={localError ?? fieldError('minutes')}
            hint="1–1440; empty keeps the profile's"
          />
          <div>
            <label
              htmlFor={actionId}
              className="block text-sm font-medium text-slate-800 dark:text-slate-200"
            >
              Then
            </label>
            <select
              id={actionId}
              className={select}
              value={action}
              onChange={(e) => setAction(e.target.value as 'stop' | 'destroy')}
            >
              <option value="stop">stop (keep the disk)</option>
              <option value="destroy">destroy</option>
            </select>
            {fieldError('action') ? (
              <p className="mt-1.5 text-sm text-red-600 dark:text-red-400">{fieldError('action')}</p>
            ) : null}
          </div>
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="size-4 rounded border-slate-300 text-indigo-600 focus-visible:outline-2 focus-visible:outline-indigo-500"
            checked={disabled}
            onChange={(e) => setDisabled(e.target.checked)}
          />
          Turn idle stopping off for this instance (budgets still apply)
        </label>
        {fieldError('disabled') ? (
          <p className="text-sm text-red-600 dark:text-red-400">{fieldError('disabled')}</p>
        ) : null}
      </fieldset>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" busy={save.isPending} busyLabel="Saving…">
          Save policy
        </Button>
        {policy.source === 'override' ? (
          <Button
            variant="secondary"
            busy={reset.isPending}
            busyLabel="Resetting…"
            onClick={() => reset.mutate()}
          >
            Use the profile's policy
          </Button>
        ) : null}
      </div>
      {save.isSuccess ? (
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          Policy saved.
        </p>
      ) : null}
      {save.isError && (!issues.length || issues.some((i) => !FIELDS.includes(issueField(i.path)))) ? (
        <ErrorAlert error={save.error} />
      ) : null}
      {reset.isError ? <ErrorAlert error={reset.error} /> : null}
    </form>
  );
}
