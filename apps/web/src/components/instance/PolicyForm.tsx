import type { ActivityView } from '@podpilot/common';
import { useId } from 'react';
import { Button } from '../shared/Button';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TextField } from '../shared/TextField';
import { usePolicyForm } from './usePolicyForm';

const select =
  'mt-1.5 block w-full rounded-md border-0 bg-white px-3 py-2 text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset ' +
  'focus:outline-2 focus:outline-indigo-500 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700';

/** The owner's override of the idle policy for this instance. */
export function PolicyForm({ instanceId, activity }: { instanceId: string; activity: ActivityView }) {
  const { policy } = activity;
  const form = usePolicyForm(instanceId, policy);
  const { save, reset } = form;
  return (
    <form onSubmit={form.onSubmit} noValidate className="space-y-3">
      <PolicyFields form={form} placeholder={String(policy.minutes)} />
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
      {form.formError ? <ErrorAlert error={save.error} /> : null}
      {reset.isError ? <ErrorAlert error={reset.error} /> : null}
    </form>
  );
}

function PolicyFields({
  form,
  placeholder,
}: {
  form: ReturnType<typeof usePolicyForm>;
  placeholder: string;
}) {
  const actionId = useId();
  const { fields: f, fieldError } = form;
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium">Idle policy for this instance</legend>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          label="Idle minutes"
          inputMode="numeric"
          placeholder={placeholder}
          value={f.minutes}
          onChange={(e) => f.setMinutes(e.target.value)}
          error={form.minutesError}
          hint="1–1440; empty keeps the profile's"
        />
        <div>
          <label htmlFor={actionId} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
            Then
          </label>
          <select
            id={actionId}
            className={select}
            value={f.action}
            onChange={(e) => f.setAction(e.target.value as 'stop' | 'destroy')}
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
          checked={f.disabled}
          onChange={(e) => f.setDisabled(e.target.checked)}
        />
        Turn idle stopping off for this instance (budgets still apply)
      </label>
      {fieldError('disabled') ? (
        <p className="text-sm text-red-600 dark:text-red-400">{fieldError('disabled')}</p>
      ) : null}
    </fieldset>
  );
}
