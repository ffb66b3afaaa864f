import type { ModelStatus } from '@podpilot/common';

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

/** A model's state in the library, with what it means on hover. */
export function ModelStatusBadge({ status }: { status: ModelStatus }) {
  return (
    <span
      title={statusHelp[status]}
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${statusTones[status]}`}
    >
      {status}
    </span>
  );
}
