import type { InstanceSummary, WebuiAccess } from '@podpilot/common';
import { Link } from '@tanstack/react-router';
import type { InstanceAction } from '../../api/instances';
import { canDestroy, canStart, canStop, isRunning } from '../../lib/live';
import { webuiHref } from '../../lib/webui-access';
import { Button } from '../shared/Button';
import { ConfirmDialog } from '../shared/ConfirmDialog';
import { ErrorAlert } from '../shared/ErrorAlert';
import { OpenWebui } from '../shared/OpenWebui';
import { type InstanceActionsState, useInstanceActions } from './useInstanceActions';

const linkButton =
  'inline-flex items-center justify-center gap-2 rounded-md px-3 py-1.5 text-sm font-medium shadow-sm ' +
  'bg-indigo-600 text-white hover:bg-indigo-500 dark:bg-indigo-500 dark:hover:bg-indigo-400 ' +
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500';

interface Props {
  /** `access` (absent: none known) gives "Open WebUI"; otherwise "Open" leads to the instance page. */
  instance: Pick<InstanceSummary, 'id' | 'name' | 'state'> & { access?: WebuiAccess | null };
  /** Hidden on the instance page itself. */
  showOpen?: boolean;
}

const labels: Record<InstanceAction['kind'], [string, string]> = {
  stop: ['Stop', 'Stopping…'],
  start: ['Start', 'Starting…'],
  destroy: ['Destroy', 'Destroying…'],
  'keep-awake': ['Keep awake', 'Saving…'],
  sync: ['Sync now', 'Syncing…'],
};

/** Stop, start, destroy (after a question), keep awake, sync now — with what each answered. */
export function InstanceActions({ instance, showOpen = true }: Props) {
  const actions = useInstanceActions(instance.id);
  const { action, running, run, busy } = actions;
  const { state } = instance;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        {showOpen && isRunning(state) ? <OpenLink instance={instance} /> : null}
        <ActionButtons state={state} actions={actions} />
      </div>
      {action.isPending && (running?.kind === 'stop' || running?.kind === 'destroy') ? (
        <p role="status" className="text-xs text-slate-500 dark:text-slate-400">
          Final output sync first, then the provider is asked to {running.kind}: this can take a couple of
          minutes.
        </p>
      ) : null}
      {action.isSuccess ? (
        <p role="status" className="text-xs text-emerald-700 dark:text-emerald-400">
          {action.data.message}
        </p>
      ) : null}
      {action.isError ? (
        <ErrorAlert error={action.error}>
          <Button variant="ghost" onClick={() => action.reset()}>
            Dismiss
          </Button>
        </ErrorAlert>
      ) : null}
      <ConfirmDialog
        open={actions.confirming}
        title={`Destroy ${instance.name}?`}
        confirmLabel="Destroy for good"
        busy={busy('destroy')}
        onCancel={() => actions.setConfirming(false)}
        onConfirm={() => run({ kind: 'destroy' })}
      >
        <p>
          Outputs are synced first, then the machine and its disk are deleted at the provider. Anything not in
          your profile or the output storage is lost. This cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}

/** The WebUI (a signed link for a public address) when its address is known, else the instance page. */
function OpenLink({ instance }: Pick<Props, 'instance'>) {
  if (webuiHref(instance.access ?? null))
    return <OpenWebui instance={instance} access={instance.access ?? null} className={linkButton} />;
  return (
    <Link to="/instances/$id" params={{ id: instance.id }} className={linkButton}>
      Open<span className="sr-only"> {instance.name}</span>
    </Link>
  );
}

/** The actions the instance's state allows. */
function ActionButtons({
  state,
  actions,
}: {
  state: InstanceSummary['state'];
  actions: InstanceActionsState;
}) {
  const { action, run, busy } = actions;
  const button = (kind: 'start' | 'stop' | 'sync') => (
    <Button
      variant="secondary"
      busy={busy(kind)}
      busyLabel={labels[kind][1]}
      disabled={action.isPending}
      onClick={() => run({ kind })}
    >
      {labels[kind][0]}
    </Button>
  );
  return (
    <>
      {isRunning(state) ? (
        <>
          <Button
            variant="secondary"
            busy={busy('keep-awake', 1)}
            busyLabel="Saving…"
            disabled={action.isPending}
            onClick={() => run({ kind: 'keep-awake', hours: 1 })}
          >
            Keep awake 1 h
          </Button>
          <Button
            variant="secondary"
            busy={busy('keep-awake', 2)}
            busyLabel="Saving…"
            disabled={action.isPending}
            onClick={() => run({ kind: 'keep-awake', hours: 2 })}
          >
            2 h<span className="sr-only"> keep awake</span>
          </Button>
          {button('sync')}
        </>
      ) : null}
      {canStart(state) ? button('start') : null}
      {canStop(state) ? button('stop') : null}
      {canDestroy(state) ? (
        <Button variant="danger" disabled={action.isPending} onClick={() => actions.setConfirming(true)}>
          Destroy
        </Button>
      ) : null}
    </>
  );
}
