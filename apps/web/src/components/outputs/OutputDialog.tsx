import type { OutputSummary } from '@podpilot/common';
import type { KeyboardEvent } from 'react';
import { useModalDialog } from '../../hooks/useModalDialog';
import { baseName } from '../../lib/outputs-search';
import { Button } from '../shared/Button';
import { Loading, QueryError } from '../shared/QueryState';
import { OutputBody } from './OutputBody';

interface OutputDialogProps {
  /** Null while a deep-linked output loads. */
  output: OutputSummary | null;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  onClose: () => void;
  /** The neighbours in the gallery (←/→ move between them). */
  onPrevious?: (() => void) | undefined;
  onNext?: (() => void) | undefined;
}

/** The full view of one output: the image, where it came from, how it was made, and Download. */
export function OutputDialog({
  output,
  loading,
  error,
  onRetry,
  onClose,
  onPrevious,
  onNext,
}: OutputDialogProps) {
  // A modal <dialog>: focus moves in and stays, Escape closes, the page behind is inert.
  const dialog = useModalDialog();

  function onKeyDown(event: KeyboardEvent) {
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select, summary')) return;
    const move = event.key === 'ArrowLeft' ? onPrevious : event.key === 'ArrowRight' ? onNext : undefined;
    if (move) {
      event.preventDefault();
      move();
    }
  }

  return (
    <dialog
      ref={dialog.ref}
      aria-labelledby="output-title"
      onClose={() => {
        if (dialog.isMounted()) onClose();
      }}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onKeyDown={onKeyDown}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (e.target === e.currentTarget) onClose();
      }}
      className={
        'm-auto h-dvh max-h-dvh w-full max-w-full bg-transparent p-0 backdrop:bg-slate-950/70 sm:h-[calc(100dvh-4rem)] ' +
        'sm:max-h-[calc(100dvh-4rem)] sm:w-[calc(100vw-4rem)] sm:max-w-6xl'
      }
    >
      <div className="flex h-full flex-col overflow-hidden bg-white text-slate-900 shadow-xl sm:rounded-xl dark:bg-slate-900 dark:text-slate-100">
        <DialogHeader output={output} onPrevious={onPrevious} onNext={onNext} onClose={onClose} />
        {output ? (
          <OutputBody output={output} />
        ) : (
          <div className="p-6">
            {loading ? <Loading what="the output" /> : null}
            {error ? <QueryError error={error} retry={onRetry} /> : null}
          </div>
        )}
      </div>
    </dialog>
  );
}

/** The output's name, ← and → to its neighbours, and Close (where focus starts). */
function DialogHeader({
  output,
  onPrevious,
  onNext,
  onClose,
}: Pick<OutputDialogProps, 'output' | 'onPrevious' | 'onNext' | 'onClose'>) {
  return (
    <header className="flex items-center gap-2 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
      <h2 id="output-title" className="min-w-0 flex-1 truncate font-semibold" title={output?.path}>
        {output ? baseName(output.path) : 'Output'}
      </h2>
      <Button variant="ghost" onClick={onPrevious} disabled={!onPrevious} aria-label="Previous output">
        ←
      </Button>
      <Button variant="ghost" onClick={onNext} disabled={!onNext} aria-label="Next output">
        →
      </Button>
      <Button variant="secondary" onClick={onClose} data-initial-focus>
        Close
      </Button>
    </header>
  );
}
