import type { OutputSummary } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type ReactNode, useEffect, useRef } from 'react';
import { outputUrlsQuery } from '../../api/outputs';
import { formatDateTime } from '../../lib/format';
import { outputParams } from '../../lib/output-params';
import { baseName, isImage } from '../../lib/outputs-search';
import { formatBytes } from '../../lib/transfer';
import { Button } from '../Button';
import { ErrorAlert } from '../ErrorAlert';
import { CopyButton } from '../models/CopyButton';
import { RelativeTime } from '../RelativeTime';

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
  const dialog = useRef<HTMLDialogElement>(null);
  const mounted = useRef(false);

  // A modal <dialog>: focus moves in and stays, Escape closes, the page behind is inert.
  useEffect(() => {
    const element = dialog.current;
    mounted.current = true;
    if (element && !element.open) element.showModal();
    // showModal() focuses the first button (←); start on Close instead.
    element?.querySelector<HTMLElement>('[data-initial-focus]')?.focus();
    return () => {
      mounted.current = false; // closing on the way out is not the reader asking to close
      element?.close();
    };
  }, []);

  function onKeyDown(event: React.KeyboardEvent) {
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select, summary')) return;
    if (event.key === 'ArrowLeft' && onPrevious) {
      event.preventDefault();
      onPrevious();
    } else if (event.key === 'ArrowRight' && onNext) {
      event.preventDefault();
      onNext();
    }
  }

  const name = output ? baseName(output.path) : 'Output';
  return (
    <dialog
      ref={dialog}
      aria-labelledby="output-title"
      onClose={() => {
        if (mounted.current) onClose();
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
        <header className="flex items-center gap-2 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
          <h2 id="output-title" className="min-w-0 flex-1 truncate font-semibold" title={output?.path}>
            {name}
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
        {output ? (
          <OutputBody output={output} />
        ) : (
          <div className="p-6">
            {loading ? (
              <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
                Loading the output…
              </p>
            ) : null}
            {error ? (
              <ErrorAlert error={error}>
                <Button variant="secondary" onClick={onRetry}>
                  Try again
                </Button>
              </ErrorAlert>
            ) : null}
          </div>
        )}
      </div>
    </dialog>
  );
}

function OutputBody({ output }: { output: OutputSummary }) {
  const urls = useQuery(outputUrlsQuery(output.id));
  const params = outputParams(output.metadata);
  const name = baseName(output.path);
  const image = isImage(output.contentType, output.path);
  const width = output.metadata?.width;
  const height = output.metadata?.height;
  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-y-auto lg:flex-row lg:overflow-hidden">
      <div className="flex min-h-64 shrink-0 items-center justify-center bg-slate-100 p-2 lg:min-h-0 lg:flex-1 lg:shrink dark:bg-slate-950">
        {urls.isError ? (
          <ErrorAlert error={urls.error}>
            <Button variant="secondary" onClick={() => void urls.refetch()}>
              Try again
            </Button>
          </ErrorAlert>
        ) : !urls.data ? (
          <p role="status" className="text-sm text-slate-500">
            Loading…
          </p>
        ) : image ? (
          <img
            key={output.id}
            src={urls.data.url}
            alt={params.prompt ? `${name}: ${params.prompt.slice(0, 200)}` : name}
            width={width}
            height={height}
            className="h-auto max-h-[70dvh] w-auto max-w-full object-contain lg:max-h-full"
            decoding="async"
          />
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            No preview for this kind of file; download it.
          </p>
        )}
      </div>
      <aside className="space-y-5 p-4 text-sm lg:w-96 lg:overflow-y-auto lg:border-l lg:border-slate-200 dark:lg:border-slate-800">
        <div className="flex flex-wrap gap-2">
          {urls.data ? (
            <a
              href={urls.data.url}
              download={name}
              className={
                'inline-flex items-center justify-center gap-2 rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm ' +
                'hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 ' +
                'dark:bg-indigo-500 dark:hover:bg-indigo-400'
              }
            >
              Download
            </a>
          ) : (
            <Button disabled>Download</Button>
          )}
        </div>

        {params.source ? (
          <section aria-labelledby="output-generation" className="space-y-3">
            <h3 id="output-generation" className="font-semibold">
              Generation{' '}
              <span className="font-normal text-slate-500 dark:text-slate-400">
                ({params.source === 'a1111' ? 'A1111 / Forge parameters' : 'ComfyUI graph'})
              </span>
            </h3>
            {params.prompt ? <Quoted label="Prompt">{params.prompt}</Quoted> : null}
            {params.negativePrompt ? <Quoted label="Negative prompt">{params.negativePrompt}</Quoted> : null}
            {params.settings.length ? (
              <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
                {params.settings.map((s) => (
                  <Row key={`${s.label}:${s.value}`} label={s.label}>
                    {s.value}
                  </Row>
                ))}
              </dl>
            ) : null}
            <RawMetadata output={output} />
          </section>
        ) : (
          <p className="text-slate-500 dark:text-slate-400">No generation settings embedded in this file.</p>
        )}

        <section aria-labelledby="output-file" className="space-y-2">
          <h3 id="output-file" className="font-semibold">
            File
          </h3>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
            <Row label="Path">
              <span className="break-all">{output.path}</span>
              {output.version > 1 ? ` (version ${output.version})` : ''}
            </Row>
            <Row label="Size">
              {formatBytes(output.sizeBytes)}
              {width && height ? ` · ${width}×${height}` : ''}
            </Row>
            <Row label="SHA-256">
              <span className="inline-flex items-center gap-1">
                <code className="font-mono text-xs" title={output.sha256}>
                  {output.sha256.slice(0, 16)}…
                </code>
                <CopyButton text={output.sha256} label="Copy the sha256" />
              </span>
            </Row>
            <Row label="Instance">
              <Link
                to="/instances/$id"
                params={{ id: output.instanceId }}
                className="rounded font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-400"
              >
                {output.instanceName}
              </Link>
            </Row>
            {output.profile ? <Row label="Profile">{output.profile}</Row> : null}
            <Row label="Created">
              <RelativeTime iso={output.createdAt} /> ({formatDateTime(output.createdAt)})
            </Row>
            {output.mtime ? <Row label="Written">{formatDateTime(output.mtime)}</Row> : null}
          </dl>
        </section>
      </aside>
    </div>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

function Quoted({ label, children }: { label: string; children: string }) {
  return (
    <div>
      <div className="flex items-center justify-between">
        <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
          {label}
        </h4>
        <CopyButton text={children} label={`Copy the ${label.toLowerCase()}`} />
      </div>
      <p className="mt-1 max-h-48 overflow-y-auto rounded-md bg-slate-50 p-2 whitespace-pre-wrap break-words dark:bg-slate-800/60">
        {children}
      </p>
    </div>
  );
}

function RawMetadata({ output }: { output: OutputSummary }) {
  const raw = output.metadata?.parameters ?? output.metadata?.prompt ?? output.metadata?.workflow;
  if (!raw) return null;
  let text = raw;
  if (!output.metadata?.parameters) {
    try {
      text = JSON.stringify(JSON.parse(raw), null, 2);
    } catch {
      // shown as stored
    }
  }
  return (
    <details className="rounded-md border border-slate-200 dark:border-slate-800">
      <summary className="cursor-pointer px-2 py-1.5 text-xs font-medium focus-visible:outline-2 focus-visible:outline-indigo-500">
        Raw {output.metadata?.parameters ? 'parameters' : 'ComfyUI prompt'}
      </summary>
      <pre className="max-h-64 overflow-auto p-2 font-mono text-xs whitespace-pre-wrap break-all">{text}</pre>
    </details>
  );
}
