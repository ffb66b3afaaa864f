import type { LiveProvisioning } from '@podpilot/common';
import { formatSize, formatSpan, formatSpeed, percentOf } from '../../lib/live';

/** A labelled progress bar with the bytes, speed and time left. */
export function ProgressBar({
  label,
  done,
  total,
  bytesPerSecond,
  etaSeconds,
  failed = false,
}: {
  label: string;
  done: number | undefined;
  total: number | null | undefined;
  bytesPerSecond?: number | undefined;
  etaSeconds?: number | null | undefined;
  failed?: boolean;
}) {
  const percent = percentOf(done, total);
  const parts = [
    total ? `${formatSize(done ?? 0)} of ${formatSize(total)}` : done ? formatSize(done) : null,
    bytesPerSecond ? formatSpeed(bytesPerSecond) : null,
    etaSeconds !== null && etaSeconds !== undefined && etaSeconds > 0
      ? `${formatSpan(etaSeconds * 1000)} left`
      : null,
  ].filter(Boolean);
  return (
    <div>
      <div className="flex flex-wrap justify-between gap-x-3 text-xs">
        <span className="min-w-0 truncate font-medium">{label}</span>
        <span className="text-slate-500 tabular-nums dark:text-slate-400">{parts.join(' · ')}</span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent === null ? undefined : Math.round(percent)}
        aria-valuetext={parts.join(', ') || undefined}
        className="mt-1 h-2 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
      >
        <div
          className={`h-full rounded-full ${failed ? 'bg-red-500' : 'bg-sky-500'} ${percent === null ? 'w-1/3 motion-safe:animate-pulse' : ''}`}
          style={percent === null ? undefined : { width: `${percent}%` }}
        />
      </div>
    </div>
  );
}

/** Provisioning as a whole: everything the profile downloads. */
export function ProvisioningBar({ provisioning }: { provisioning: LiveProvisioning }) {
  return (
    <ProgressBar
      label="Provisioning"
      done={provisioning.doneBytes}
      total={provisioning.totalBytes}
      bytesPerSecond={provisioning.bytesPerSecond}
      etaSeconds={provisioning.etaSeconds}
    />
  );
}
