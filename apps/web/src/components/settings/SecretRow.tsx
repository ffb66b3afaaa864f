import { type ReactNode, useId } from 'react';
import { Button } from '../shared/Button';
import { ErrorAlert } from '../shared/ErrorAlert';
import { RelativeTime } from '../shared/RelativeTime';
import { type SecretRowState, useSecretRow } from './useSecretRow';

interface SecretRowProps {
  name: string;
  label: string;
  /** Where to get the value, e.g. the provider's console page. */
  hint: ReactNode;
  /** When it was last set, or null when unset. */
  updatedAt: string | null;
}

/**
 * One write-only credential: whether it is set and since when, a password field to set or replace it (never
 * pre-filled, cleared once saved) and a remove button that asks for confirmation.
 */
export function SecretRow({ name, label, hint, updatedAt }: SecretRowProps) {
  const row = useSecretRow(name, label);
  const set = updatedAt !== null;
  return (
    <li className="space-y-3 py-4 first:pt-0 last:pb-0">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h3 className="font-medium">{label}</h3>
          <p className="font-mono text-xs text-slate-500 dark:text-slate-400">{name}</p>
        </div>
        {set ? (
          <span className="inline-flex items-center gap-1.5 rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-emerald-200 ring-inset dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-900">
            Set <RelativeTime iso={updatedAt} />
          </span>
        ) : (
          <span className="inline-flex rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600 ring-1 ring-slate-300 ring-inset dark:bg-slate-800 dark:text-slate-400 dark:ring-slate-700">
            Not set
          </span>
        )}
      </div>
      <form onSubmit={row.submit} noValidate className="flex flex-col gap-2 sm:flex-row sm:items-start">
        <SecretInput row={row} name={name} label={label} hint={hint} set={set} />
        <SecretButtons row={row} label={label} set={set} />
      </form>
      <p aria-live="polite" className="text-sm text-emerald-700 dark:text-emerald-400">
        {row.status}
      </p>
      <ErrorAlert error={row.put.error ?? row.remove.error} />
    </li>
  );
}

interface PartProps {
  row: SecretRowState;
  label: string;
  set: boolean;
}

function SecretInput({ row, name, label, hint, set }: PartProps & { name: string; hint: ReactNode }) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return (
    <div className="min-w-0 flex-1">
      <label htmlFor={id} className="sr-only">
        {set ? `New ${label}` : label}
      </label>
      <input
        id={id}
        type="password"
        name={name}
        value={row.value}
        onChange={(e) => row.change(e.target.value)}
        placeholder={set ? 'Paste a new value to replace it' : 'Paste the key'}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={row.fieldError ? true : undefined}
        aria-describedby={row.fieldError ? errorId : hintId}
        className={
          'block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-sm text-slate-900 shadow-sm ring-1 ring-inset ' +
          'placeholder:font-sans placeholder:text-slate-400 focus:outline-2 focus:outline-offset-0 focus:outline-indigo-500 ' +
          'dark:bg-slate-900 dark:text-slate-100 ' +
          (row.fieldError ? 'ring-red-500' : 'ring-slate-300 dark:ring-slate-700')
        }
      />
      {row.fieldError ? (
        <p id={errorId} className="mt-1.5 text-sm text-red-600 dark:text-red-400">
          {row.fieldError}
        </p>
      ) : (
        <p id={hintId} className="mt-1.5 text-sm text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      )}
    </div>
  );
}

function SecretButtons({ row, label, set }: PartProps) {
  return (
    <div className="flex gap-2">
      <Button type="submit" busy={row.put.isPending} busyLabel="Saving…">
        {set ? 'Replace' : 'Save'}
      </Button>
      {set && !row.confirming ? (
        <Button variant="danger" onClick={() => row.setConfirming(true)} aria-label={`Remove ${label}`}>
          Remove
        </Button>
      ) : null}
      {set && row.confirming ? (
        <>
          <Button
            variant="danger"
            autoFocus
            busy={row.remove.isPending}
            busyLabel="Removing…"
            aria-label={`Confirm: remove ${label}`}
            onClick={row.confirmRemove}
          >
            Confirm remove
          </Button>
          <Button variant="ghost" onClick={() => row.setConfirming(false)}>
            Cancel
          </Button>
        </>
      ) : null}
    </div>
  );
}
