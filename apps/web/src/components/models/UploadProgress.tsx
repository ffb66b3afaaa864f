import { formatBytes, formatDuration, formatRate } from '../../lib/transfer';
import { ErrorAlert } from '../shared/ErrorAlert';
import type { UploadPhase } from './upload-phase';

const note = 'text-sm text-slate-600 dark:text-slate-400';

/** Where the push stands: progress while hashing or sending, then the outcome. */
export function UploadProgress({ phase, resumable }: { phase: UploadPhase; resumable: boolean }) {
  switch (phase.step) {
    case 'idle':
      return null;
    case 'failed':
      return (
        <ErrorAlert error={phase.error}>
          {resumable ? 'The parts already sent are kept: resume to send only the rest.' : null}
        </ErrorAlert>
      );
    case 'cancelled':
      return (
        <p role="status" className={note}>
          Upload cancelled and the parts sent were discarded. If it had started, the model stays listed as
          “failed”: upload the file again, or delete it.
        </p>
      );
    case 'done':
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
    case 'starting':
    case 'completing':
      return (
        <p role="status" className={note}>
          {phase.step === 'starting' ? 'Asking the hub…' : 'Finishing the upload…'}
        </p>
      );
    default:
      return <ProgressBar phase={phase} />;
  }
}

function ProgressBar({ phase }: { phase: Extract<UploadPhase, { step: 'hashing' | 'uploading' }> }) {
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
