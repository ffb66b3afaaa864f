import type { LiveInstance } from '@podpilot/common';
import { bulkTargets } from '../../lib/dashboard-view';
import { canDestroy, canStop } from '../../lib/live';
import { Button } from '../shared/Button';
import { ConfirmDialog } from '../shared/ConfirmDialog';
import type { BulkActions, BulkKind } from './useBulkActions';

const CAN: Record<BulkKind, (state: LiveInstance['state']) => boolean> = {
  stop: canStop,
  destroy: canDestroy,
};

/**
 * While cards are selected: how many, Stop and Destroy (each asks once for all of them) and Clear; then
 * what the last bulk action did, naming each instance that refused and why.
 */
export function BulkBar({ bulk, instances }: { bulk: BulkActions; instances: LiveInstance[] }) {
  const { selected, confirming, run } = bulk;
  const targets = (kind: BulkKind) => bulkTargets(instances, selected, CAN[kind]);
  const pending = confirming ? targets(confirming) : [];
  const result = run.data;
  return (
    <>
      {selected.size > 0 ? (
        <section
          aria-label="Selected instances"
          className="sticky top-2 z-10 flex flex-wrap items-center gap-3 rounded-lg border border-indigo-200 bg-indigo-50 px-4 py-2 text-sm shadow-sm dark:border-indigo-900 dark:bg-indigo-950"
        >
          <span className="font-medium">{selected.size} selected</span>
          <div className="ml-auto flex flex-wrap gap-2">
            {(['stop', 'destroy'] as const).map((kind) => (
              <Button
                key={kind}
                variant={kind === 'destroy' ? 'danger' : 'secondary'}
                disabled={targets(kind).length === 0}
                onClick={() => bulk.setConfirming(kind)}
              >
                {kind === 'stop' ? 'Stop' : 'Destroy'} {targets(kind).length}
              </Button>
            ))}
            <Button variant="ghost" onClick={bulk.clear}>
              Clear selection
            </Button>
          </div>
        </section>
      ) : null}
      {result ? (
        <div role="status" className="text-sm text-slate-700 dark:text-slate-300">
          {result.kind === 'stop' ? 'Stopping' : 'Destroying'} {result.done} instance
          {result.done === 1 ? '' : 's'}.
          {result.failures.length ? (
            <ul className="mt-1 list-disc pl-5 text-red-700 dark:text-red-400">
              {result.failures.map((f) => (
                <li key={f.name}>
                  {f.name}: {f.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <ConfirmDialog
        open={confirming !== null}
        title={`${confirming === 'destroy' ? 'Destroy' : 'Stop'} ${pending.length} instance${pending.length === 1 ? '' : 's'}?`}
        confirmLabel={confirming === 'destroy' ? 'Destroy them' : 'Stop them'}
        busy={run.isPending}
        onConfirm={() => confirming && run.mutate({ kind: confirming, targets: pending })}
        onCancel={() => bulk.setConfirming(null)}
      >
        <p>{pending.map((i) => i.name).join(', ')}</p>
        <p className="mt-2">
          {confirming === 'destroy'
            ? 'Each is synced, then its rental and disk are deleted: what is not synced is lost.'
            : 'Each syncs its outputs, then stops; its disk is kept (and may still cost storage).'}
        </p>
      </ConfirmDialog>
    </>
  );
}
