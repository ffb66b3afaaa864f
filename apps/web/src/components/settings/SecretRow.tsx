import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { useDeleteSecret, usePutSecret } from '../../api/settings';
import { Button } from '../Button';
import { ErrorAlert } from '../ErrorAlert';
import { RelativeTime } from '../RelativeTime';

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
  const id = useId();
  const [value, setValue] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [status, setStatus] = useState('');
  const [confirming, setConfirming] = useState(false);
  const put = usePutSecret();
  const remove = useDeleteSecret();
  const set = updatedAt !== null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setStatus('');
    if (value.trim() === '') {
      setFieldError(`Paste the ${label} to save it`);
      return;
    }
    setFieldError(undefined);
    put.mutate(
      { name, value: value.trim() },
      {
        onSuccess: () => {
          setValue('');
          setStatus(`${label} saved.`);
        },
      },
    );
  }

  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
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
      <form onSubmit={submit} noValidate className="flex flex-col gap-2 sm:flex-row sm:items-start">
        <div className="min-w-0 flex-1">
          <label htmlFor={id} className="sr-only">
            {set ? `New ${label}` : label}
          </label>
          <input
            id={id}
            type="password"
            name={name}
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              setFieldError(undefined);
              setStatus('');
            }}
            placeholder={set ? 'Paste a new value to replace it' : 'Paste the key'}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={fieldError ? errorId : hintId}
            className={
              'block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-sm text-slate-900 shadow-sm ring-1 ring-inset ' +
              'placeholder:font-sans placeholder:text-slate-400 focus:outline-2 focus:outline-offset-0 focus:outline-indigo-500 ' +
              'dark:bg-slate-900 dark:text-slate-100 ' +
              (fieldError ? 'ring-red-500' : 'ring-slate-300 dark:ring-slate-700')
            }
          />
          {fieldError ? (
            <p id={errorId} className="mt-1.5 text-sm text-red-600 dark:text-red-400">
              {fieldError}
            </p>
          ) : (
            <p id={hintId} className="mt-1.5 text-sm text-slate-500 dark:text-slate-400">
              {hint}
            </p>
          )}
        </div>
        <div className="flex gap-2">
          <Button type="submit" busy={put.isPending} busyLabel="Saving…">
            {set ? 'Replace' : 'Save'}
          </Button>
          {set && !confirming ? (
            <Button variant="danger" onClick={() => setConfirming(true)} aria-label={`Remove ${label}`}>
              Remove
            </Button>
          ) : null}
          {set && confirming ? (
            <>
              <Button
                variant="danger"
                autoFocus
                busy={remove.isPending}
                busyLabel="Removing…"
                aria-label={`Confirm: remove ${label}`}
                onClick={() =>
                  remove.mutate(name, {
                    onSuccess: () => {
                      setConfirming(false);
                      setStatus(`${label} removed.`);
                    },
                  })
                }
              >
                Confirm remove
              </Button>
              <Button variant="ghost" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            </>
          ) : null}
        </div>
      </form>
      <p aria-live="polite" className="text-sm text-emerald-700 dark:text-emerald-400">
        {status}
      </p>
      <ErrorAlert error={put.error ?? remove.error} />
    </li>
  );
}
