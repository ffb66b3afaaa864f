import type { ModelStatus, ModelSummary } from '@podpilot/common';
import { Link } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { useDeleteModel } from '../../api/models';
import { formatBytes } from '../../lib/transfer';
import { Button } from '../Button';
import { ErrorAlert } from '../ErrorAlert';
import { RelativeTime } from '../RelativeTime';
import { cell, Table } from '../Table';
import { CopyButton } from './CopyButton';

const statusTones: Record<ModelStatus, string> = {
  available:
    'bg-emerald-50 text-emerald-700 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-900',
  pending:
    'bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-700',
  uploading: 'bg-sky-50 text-sky-700 ring-sky-200 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-900',
  failed: 'bg-red-50 text-red-700 ring-red-200 dark:bg-red-950 dark:text-red-300 dark:ring-red-900',
};

const statusHelp: Record<ModelStatus, string> = {
  available: 'Stored in the library',
  pending: 'Registered by URL: the first instance that needs it downloads it, then it is kept',
  uploading: 'An upload is under way (or was left unfinished)',
  failed: 'Could not be fetched or stored',
};

function ModelStatusBadge({ status }: { status: ModelStatus }) {
  return (
    <span
      title={statusHelp[status]}
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${statusTones[status]}`}
    >
      {status}
    </span>
  );
}

/** `[{profile: a, version: 1}, {profile: a, version: 2}]` → `[[a, [1, 2]]]`. */
function usageByProfile(model: ModelSummary): [string, number[]][] {
  const byProfile = new Map<string, number[]>();
  for (const use of model.usedBy)
    byProfile.set(use.profile, [...(byProfile.get(use.profile) ?? []), use.version]);
  return [...byProfile.entries()].map(([profile, versions]) => [profile, versions.sort((a, b) => a - b)]);
}

export function ModelsTable({ models }: { models: ModelSummary[] }) {
  const remove = useDeleteModel();
  const failed = remove.isError ? models.find((m) => m.sha256 === remove.variables) : undefined;
  return (
    // `relative` on the table's scroll box: its screen-reader-only heading is positioned, and would
    // otherwise widen the whole page on a phone.
    <div className="space-y-3 [&>div:last-child]:relative">
      {remove.isError ? (
        <ErrorAlert error={remove.error}>
          {failed ? `“${failed.name}” was not deleted.` : null}
          {failed?.usedBy.length
            ? ' A model stays while any version of a profile lists it: delete those profiles first, or keep the model.'
            : null}
        </ErrorAlert>
      ) : null}
      <Table
        caption="Models in the library"
        head={[
          'Name',
          'Kind',
          'Size',
          'SHA-256',
          'Status',
          'Used by',
          'Added',
          { label: 'Actions', srOnly: true },
        ]}
      >
        {models.map((model) => (
          <tr key={model.sha256}>
            <td className={`${cell} max-w-72`}>
              <div className="truncate font-medium" title={model.name}>
                {model.name}
              </div>
              {model.fileName && model.fileName !== model.name ? (
                <div className="truncate text-xs text-slate-500 dark:text-slate-400" title={model.fileName}>
                  {model.fileName}
                </div>
              ) : null}
              {model.sourceUrl ? (
                <div className="truncate text-xs text-slate-500 dark:text-slate-400" title={model.sourceUrl}>
                  from {hostOf(model.sourceUrl)}
                </div>
              ) : null}
            </td>
            <td className={cell}>{model.kind}</td>
            <td className={`${cell} tabular-nums`}>{formatBytes(model.sizeBytes)}</td>
            <td className={cell}>
              <span className="inline-flex items-center gap-1">
                <code className="font-mono text-xs" title={model.sha256}>
                  {model.sha256.slice(0, 12)}…
                </code>
                <CopyButton text={model.sha256} label={`Copy the sha256 of ${model.name}`} />
              </span>
            </td>
            <td className={cell}>
              <ModelStatusBadge status={model.status} />
              {model.statusReason ? (
                <div
                  className="mt-1 max-w-56 truncate text-xs text-slate-500 dark:text-slate-400"
                  title={model.statusReason}
                >
                  {model.statusReason}
                </div>
              ) : null}
            </td>
            <td className={cell}>
              {model.usedBy.length === 0 ? (
                <span className="text-slate-500 dark:text-slate-400">not used</span>
              ) : (
                <ul className="space-y-0.5">
                  {usageByProfile(model).map(([profile, versions]) => (
                    <li key={profile}>
                      <Link
                        to="/profiles/$name"
                        params={{ name: profile }}
                        className="rounded font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-400"
                      >
                        {profile}
                      </Link>{' '}
                      <span className="text-xs text-slate-500 dark:text-slate-400">
                        v{versions.join(', v')}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td className={`${cell} text-slate-500 dark:text-slate-400`}>
              <RelativeTime iso={model.createdAt} />
            </td>
            <td className={`${cell} text-right`}>
              <DeleteButton
                name={model.name}
                busy={remove.isPending && remove.variables === model.sha256}
                onConfirm={() => remove.mutate(model.sha256)}
              />
            </td>
          </tr>
        ))}
      </Table>
    </div>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Deleting removes the bytes from storage, so it takes a second, explicit click. */
function DeleteButton({ name, busy, onConfirm }: { name: string; busy: boolean; onConfirm: () => void }) {
  const [confirming, setConfirming] = useState(false);
  // Once the request is over (a refusal shows above the table), back to the plain button.
  const wasBusy = useRef(false);
  const box = useRef<HTMLSpanElement>(null);
  const refocus = useRef(false);
  const stop = () => {
    refocus.current = true; // keep the keyboard where it was
    setConfirming(false);
  };
  useEffect(() => {
    if (wasBusy.current && !busy) {
      refocus.current = true;
      setConfirming(false);
    }
    wasBusy.current = busy;
  }, [busy]);
  useEffect(() => {
    if (!confirming && refocus.current) {
      refocus.current = false;
      box.current?.querySelector('button')?.focus();
    }
  }, [confirming]);
  if (!confirming) {
    return (
      <span ref={box}>
        <Button variant="danger" aria-label={`Delete model ${name}`} onClick={() => setConfirming(true)}>
          Delete
        </Button>
      </span>
    );
  }
  return (
    <span className="inline-flex gap-2">
      <Button
        variant="danger"
        busy={busy}
        busyLabel="Deleting…"
        aria-label={`Confirm: delete model ${name} and its file`}
        onClick={onConfirm}
        autoFocus
      >
        Confirm delete
      </Button>
      <Button variant="ghost" onClick={stop}>
        Cancel
      </Button>
    </span>
  );
}
