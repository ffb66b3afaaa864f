import { ModelKind, type ModelSummary } from '@podpilot/common';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ApiRequestError } from '../../api/client';
import {
  abortModelUpload,
  completeModelUpload,
  modelsQuery,
  presignModelParts,
  putPart,
  startModelUpload,
} from '../../api/models';
import { formatBytes, formatDuration, formatRate, RateMeter } from '../../lib/transfer';
import { uploadParts } from '../../lib/upload-parts';
import { Button } from '../Button';
import { ErrorAlert } from '../ErrorAlert';
import { TextField } from '../TextField';
import { hashFile } from './hash-file';
import { SelectField } from './SelectField';

type Phase =
  | { step: 'idle' }
  | { step: 'hashing'; doneBytes: number; totalBytes: number; rate: number | null; eta: number | null }
  | { step: 'uploading'; doneBytes: number; totalBytes: number; rate: number | null; eta: number | null }
  | { step: 'starting' }
  | { step: 'completing' }
  | { step: 'done'; model: ModelSummary; existed: boolean }
  | { step: 'cancelled' }
  | { step: 'failed'; error: unknown };

const PARALLEL_PARTS = 4;

/** The file name without its extension: the default model name. */
const stem = (fileName: string) => fileName.replace(/\.[^.]+$/, '');

/** Parts in `.safetensors` names hint at the kind; checkpoints are the safe default. */
function guessKind(fileName: string): ModelKind {
  const lower = fileName.toLowerCase();
  if (/lora|lycoris|locon/.test(lower)) return 'lora';
  if (/(^|[^a-z])vae([^a-z]|$)/.test(lower)) return 'vae';
  if (/controlnet|control_|t2i-adapter/.test(lower)) return 'controlnet';
  if (/esrgan|upscal|4x|2x_/.test(lower)) return 'upscaler';
  if (/\.(pt|bin)$/.test(lower) && /embed|textual|ti_/.test(lower)) return 'embedding';
  return 'checkpoint';
}

/**
 * Pushes a file from this computer into the library, like `podpilot models push`: hash it here (read in
 * slices, never whole), ask the hub (which may already have it), PUT the missing parts straight to storage
 * a few at a time with retries, then complete. A failed push resumes where it stopped; cancel abandons it.
 */
export function UploadModelForm({ onUploaded }: { onUploaded: (model: ModelSummary) => void }) {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<ModelKind>('checkpoint');
  const [fileError, setFileError] = useState<string>();
  const [phase, setPhase] = useState<Phase>({ step: 'idle' });
  const controller = useRef<AbortController | null>(null);
  // The sha256 of the last file hashed, so "Try again" resumes without reading it all again.
  const known = useRef<{ file: File; sha256: string } | null>(null);
  const inputId = useId();
  const running =
    phase.step === 'hashing' ||
    phase.step === 'uploading' ||
    phase.step === 'starting' ||
    phase.step === 'completing';

  // Leaving the page would drop the upload: ask first.
  useEffect(() => {
    if (!running) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [running]);

  // Cancel a push still running when the page goes away.
  useEffect(() => () => controller.current?.abort(new DOMException('Left the page', 'AbortError')), []);

  function pick(picked: File | null) {
    setFile(picked);
    setFileError(undefined);
    setPhase({ step: 'idle' });
    if (picked) {
      setName(stem(picked.name));
      setKind(guessKind(picked.name));
    }
  }

  async function run(target: File) {
    const abort = new AbortController();
    controller.current = abort;
    const { signal } = abort;
    const total = target.size;
    const meter = new RateMeter();
    let latest = 0;
    let shown: 'hashing' | 'uploading' = 'hashing';
    const show = () =>
      setPhase({
        step: shown,
        doneBytes: latest,
        totalBytes: total,
        rate: meter.rate(),
        eta: meter.eta(total),
      });
    // Progress arrives in bursts; the screen follows four times a second.
    const ticker = setInterval(show, 250);
    const track = (bytes: number) => {
      latest = bytes;
      meter.add(performance.now(), bytes);
    };
    let sha256: string | null = null;
    let uploadStarted = false;
    try {
      if (known.current?.file === target) sha256 = known.current.sha256;
      else {
        track(0);
        show();
        sha256 = await hashFile(target, track, signal);
        known.current = { file: target, sha256 };
      }
      clearInterval(ticker);
      setPhase({ step: 'starting' });
      const start = await startModelUpload({
        sha256,
        sizeBytes: total,
        name: name.trim() || stem(target.name),
        kind,
        fileName: target.name,
      });
      signal.throwIfAborted();
      if (start.status === 'exists') {
        setPhase({ step: 'done', model: start.model, existed: true });
        onUploaded(start.model);
        return;
      }
      uploadStarted = true;
      shown = 'uploading';
      meter.reset();
      const hash = sha256;
      const ticking = setInterval(show, 250);
      try {
        const parts = await uploadParts({
          file: target,
          plan: start,
          presign: (partNumbers) => presignModelParts(hash, partNumbers),
          put: putPart,
          parallel: PARALLEL_PARTS,
          signal,
          onProgress: track,
        });
        clearInterval(ticking);
        setPhase({ step: 'completing' });
        const model = await completeModelUpload(hash, parts);
        known.current = null;
        setPhase({ step: 'done', model, existed: false });
        onUploaded(model);
      } finally {
        clearInterval(ticking);
      }
    } catch (error) {
      if (signal.aborted) {
        // Cancelled: give the storage its space back (the parts sent so far are dropped).
        if (uploadStarted && sha256) await abortModelUpload(sha256).catch(() => {});
        setPhase({ step: 'cancelled' });
      } else {
        setPhase({ step: 'failed', error });
      }
    } finally {
      clearInterval(ticker);
      if (controller.current === abort) controller.current = null;
      void queryClient.invalidateQueries({ queryKey: modelsQuery.queryKey });
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) {
      setFileError('Choose a model file first.');
      return;
    }
    if (file.size === 0) {
      setFileError('This file is empty.');
      return;
    }
    void run(file);
  }

  const resumable =
    phase.step === 'failed' &&
    !(phase.error instanceof ApiRequestError && phase.error.status >= 400 && phase.error.status < 500);

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Upload a model from this computer">
      <div>
        <label htmlFor={inputId} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
          Model file
        </label>
        <input
          id={inputId}
          type="file"
          accept=".safetensors,.ckpt,.pt,.pth,.bin,.gguf,.onnx,.sft"
          disabled={running}
          aria-invalid={fileError ? true : undefined}
          aria-describedby={fileError ? `${inputId}-error` : `${inputId}-hint`}
          onChange={(e) => pick(e.target.files?.[0] ?? null)}
          className={
            'mt-1.5 block w-full max-w-full text-sm text-slate-700 dark:text-slate-300 ' +
            'file:mr-3 file:rounded-md file:border-0 file:bg-indigo-50 file:px-3 file:py-2 file:text-sm file:font-medium ' +
            'file:text-indigo-700 hover:file:bg-indigo-100 dark:file:bg-indigo-950 dark:file:text-indigo-300 ' +
            'rounded-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500'
          }
        />
        {fileError ? (
          <p id={`${inputId}-error`} className="mt-1.5 text-sm text-red-600 dark:text-red-400">
            {fileError}
          </p>
        ) : (
          <p id={`${inputId}-hint`} className="mt-1.5 text-sm text-slate-500 dark:text-slate-400">
            {file
              ? `${file.name} · ${formatBytes(file.size)}`
              : 'Hashed here first: a file the library already has is not sent again.'}
          </p>
        )}
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          disabled={running}
          maxLength={200}
          autoComplete="off"
          hint="Defaults to the file name."
        />
        <SelectField
          label="Kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as ModelKind)}
          disabled={running}
          options={ModelKind.options}
        />
      </div>

      <UploadProgress phase={phase} resumable={resumable} />

      <div className="flex flex-wrap gap-2">
        {running ? (
          <Button
            variant="secondary"
            onClick={() => controller.current?.abort(new DOMException('Cancelled', 'AbortError'))}
          >
            Cancel upload
          </Button>
        ) : (
          <Button type="submit">{resumable ? 'Resume upload' : 'Upload'}</Button>
        )}
      </div>
    </form>
  );
}

function UploadProgress({ phase, resumable }: { phase: Phase; resumable: boolean }) {
  if (phase.step === 'idle') return null;
  if (phase.step === 'failed') {
    return (
      <ErrorAlert error={phase.error}>
        {resumable ? 'The parts already sent are kept: resume to send only the rest.' : null}
      </ErrorAlert>
    );
  }
  if (phase.step === 'cancelled') {
    return (
      <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
        Upload cancelled and the parts sent were discarded. If it had started, the model stays listed as
        “failed”: upload the file again, or delete it.
      </p>
    );
  }
  if (phase.step === 'done') {
    return (
      <p
        role="status"
        className="rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-800 dark:border-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-200"
      >
        {phase.existed
          ? `The library already has this file, as “${phase.model.name}” (${phase.model.kind}): nothing to send.`
          : `“${phase.model.name}” is in the library.`}
      </p>
    );
  }
  if (phase.step === 'starting' || phase.step === 'completing') {
    return (
      <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
        {phase.step === 'starting' ? 'Asking the hub…' : 'Finishing the upload…'}
      </p>
    );
  }
  const { doneBytes, totalBytes, rate, eta } = phase;
  const percent = totalBytes > 0 ? Math.min(100, Math.floor((doneBytes / totalBytes) * 100)) : 0;
  const label = phase.step === 'hashing' ? 'Computing the sha256' : 'Uploading';
  return (
    <div className="space-y-1.5">
      <div className="flex flex-wrap justify-between gap-x-4 text-sm">
        <span className="font-medium">
          {label}… {percent}%
        </span>
        <span className="text-slate-600 tabular-nums dark:text-slate-400">
          {formatBytes(doneBytes)} of {formatBytes(totalBytes)}
          {rate === null ? ' · measuring speed…' : ` · ${formatRate(rate)}`}
          {phase.step === 'uploading' && eta !== null ? ` · ${formatDuration(eta)} left` : ''}
        </span>
      </div>
      <progress
        value={doneBytes}
        max={totalBytes || 1}
        aria-label={label}
        aria-valuetext={`${percent}%`}
        className={
          'h-2 w-full appearance-none overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800 ' +
          '[&::-moz-progress-bar]:bg-indigo-600 [&::-webkit-progress-bar]:bg-slate-200 dark:[&::-webkit-progress-bar]:bg-slate-800 ' +
          '[&::-webkit-progress-value]:bg-indigo-600 dark:[&::-webkit-progress-value]:bg-indigo-500'
        }
      />
    </div>
  );
}
