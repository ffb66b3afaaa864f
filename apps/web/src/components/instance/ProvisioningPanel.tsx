import type { LiveProvisioning } from '@podpilot/common';
import { ProgressBar, ProvisioningBar } from '../dashboard/ProvisioningBar';

const statusTone = {
  pending: 'text-slate-500 dark:text-slate-400',
  running: 'text-sky-700 dark:text-sky-300',
  done: 'text-emerald-700 dark:text-emerald-400',
  failed: 'text-red-700 dark:text-red-400',
} as const;

/** Every item the agent downloads or checks out, with its own bar while it runs. */
export function ProvisioningPanel({ provisioning }: { provisioning: LiveProvisioning }) {
  const done = provisioning.items.filter((i) => i.status === 'done').length;
  return (
    <div className="space-y-4">
      <ProvisioningBar provisioning={provisioning} />
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {done} of {provisioning.items.length} items done.
      </p>
      <ul className="space-y-3">
        {provisioning.items.map((item) => (
          <li key={`${item.kind}:${item.name}`}>
            {item.status === 'running' || (item.status === 'failed' && item.totalBytes) ? (
              <ProgressBar
                label={`${item.kind} ${item.name}`}
                done={item.doneBytes}
                total={item.totalBytes}
                bytesPerSecond={item.bytesPerSecond}
                etaSeconds={item.etaSeconds}
                failed={item.status === 'failed'}
              />
            ) : (
              <p className="flex flex-wrap justify-between gap-x-3 text-xs">
                <span className="min-w-0 truncate">
                  <span className="text-slate-500 dark:text-slate-400">{item.kind}</span>{' '}
                  <span className="font-medium">{item.name}</span>
                </span>
                <span className={statusTone[item.status]}>{item.status}</span>
              </p>
            )}
            {item.error ? <p className="mt-1 text-xs text-red-700 dark:text-red-400">{item.error}</p> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
