import type { OutputParams, OutputSummary } from '@podpilot/common';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { formatDateTime } from '../../lib/format';
import { formatBytes } from '../../lib/transfer';
import { CopyButton } from '../shared/CopyButton';
import { RelativeTime } from '../shared/RelativeTime';

const SOURCE_LABELS: Record<NonNullable<OutputParams['source']>, string> = {
  a1111: 'A1111 / Forge parameters',
  fooocus: 'Fooocus parameters',
  comfyui: 'ComfyUI graph',
};

/** How the output was made: prompts and settings read from the file, and the raw metadata. */
export function GenerationFacts({ output, params }: { output: OutputSummary; params: OutputParams }) {
  const others = Object.entries(output.metadata?.texts ?? {});
  if (!params.source)
    return others.length ? (
      <section aria-labelledby="output-texts" className="space-y-2">
        <h3 id="output-texts" className="font-semibold">
          Text in the file{' '}
          <span className="font-normal text-slate-500 dark:text-slate-400">(as written)</span>
        </h3>
        {others.map(([keyword, text]) => (
          <Quoted key={keyword} label={keyword}>
            {text}
          </Quoted>
        ))}
      </section>
    ) : (
      <p className="text-slate-500 dark:text-slate-400">No generation settings embedded in this file.</p>
    );
  return (
    <section aria-labelledby="output-generation" className="space-y-3">
      <h3 id="output-generation" className="font-semibold">
        Generation{' '}
        <span className="font-normal text-slate-500 dark:text-slate-400">
          ({SOURCE_LABELS[params.source]})
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
  );
}

/** Where the output is and came from: path, size, hash, instance, profile, times. */
export function FileFacts({ output }: { output: OutputSummary }) {
  const width = output.metadata?.width;
  const height = output.metadata?.height;
  return (
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
