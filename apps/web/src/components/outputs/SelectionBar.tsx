import { Button } from '../shared/Button';
import { ErrorAlert } from '../shared/ErrorAlert';
import type { OutputSelection } from './useOutputSelection';

/** Sticks to the top while outputs are selected: how many, Download and Clear; then a failed download. */
export function SelectionBar({ selection }: { selection: OutputSelection }) {
  const { selected, download, downloadError } = selection;
  return (
    <>
      {selected.size > 0 ? (
        <section
          aria-label="Selected outputs"
          className="sticky top-2 z-10 flex flex-wrap items-center gap-3 rounded-lg border border-indigo-200 bg-indigo-50/95 px-4 py-2 text-sm shadow-sm backdrop-blur dark:border-indigo-900 dark:bg-indigo-950/90"
        >
          <span className="font-medium">
            {selected.size} selected
            {download ? ` · downloading ${download.done} of ${download.total}…` : ''}
          </span>
          <div className="ml-auto flex flex-wrap gap-2">
            <Button
              onClick={() => void selection.downloadSelected()}
              busy={!!download}
              busyLabel="Downloading…"
            >
              Download {selected.size === 1 ? 'file' : `${selected.size} files`}
            </Button>
            <Button variant="ghost" onClick={selection.clear} disabled={!!download}>
              Clear selection
            </Button>
          </div>
        </section>
      ) : null}
      {downloadError ? (
        <ErrorAlert error={downloadError}>
          The downloads stopped there: select the missing files and try again.
        </ErrorAlert>
      ) : null}
    </>
  );
}
