import { useState } from 'react';
import { formatDateTime } from '../../lib/format';
import { Button } from '../shared/Button';
import { ConfirmDialog } from '../shared/ConfirmDialog';
import { ErrorAlert } from '../shared/ErrorAlert';
import type { OutputSelection } from './useOutputSelection';

/**
 * Sticks to the top while outputs are selected: how many, Download (one file, or one zip), Delete (asks
 * first) and Clear; then what the last deletion did, with Undo, or what failed.
 */
export function SelectionBar({ selection }: { selection: OutputSelection }) {
  const { selected, busy, error, deleted } = selection;
  const [confirming, setConfirming] = useState(false);
  const count = selected.size === 1 ? 'file' : `${selected.size} files`;
  return (
    <>
      {selected.size > 0 ? (
        <section
          aria-label="Selected outputs"
          className="sticky top-2 z-10 flex flex-wrap items-center gap-3 rounded-lg border border-indigo-200 bg-indigo-50/95 px-4 py-2 text-sm shadow-sm backdrop-blur dark:border-indigo-900 dark:bg-indigo-950/90"
        >
          <span className="font-medium">{selected.size} selected</span>
          <div className="ml-auto flex flex-wrap gap-2">
            <Button
              onClick={() => void selection.downloadSelected()}
              busy={busy === 'download'}
              busyLabel="Preparing…"
            >
              {selected.size === 1 ? 'Download file' : `Download ${count} as zip`}
            </Button>
            <Button variant="danger" onClick={() => setConfirming(true)} disabled={busy !== null}>
              Delete {count}
            </Button>
            <Button variant="ghost" onClick={selection.clear} disabled={busy !== null}>
              Clear selection
            </Button>
          </div>
        </section>
      ) : null}
      {deleted ? (
        <p
          role="status"
          className="flex flex-wrap items-center gap-3 text-sm text-slate-600 dark:text-slate-300"
        >
          Moved {deleted.count} {deleted.count === 1 ? 'output' : 'outputs'} to the trash (restorable until{' '}
          {formatDateTime(deleted.restoreUntil)}).
          <Button
            variant="secondary"
            onClick={() => void selection.undoDelete()}
            busy={busy === 'restore'}
            busyLabel="Restoring…"
          >
            Undo
          </Button>
        </p>
      ) : null}
      {error ? (
        <ErrorAlert error={error}>That did not work: nothing changed for the files it names.</ErrorAlert>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title={`Delete ${count}?`}
        confirmLabel="Delete"
        busy={busy === 'delete'}
        onConfirm={() => void selection.deleteSelected().then(() => setConfirming(false))}
        onCancel={() => setConfirming(false)}
      >
        <p>
          They leave the gallery now and can be restored for a week; then their files are removed from
          storage.
        </p>
      </ConfirmDialog>
    </>
  );
}
