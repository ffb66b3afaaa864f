import { useState } from 'react';
import { type InstanceAction, useInstanceAction } from '../../api/instances';

/** An instance's actions: the one running, whether a given one is, and the destroy question. */
export function useInstanceActions(instanceId: string) {
  const action = useInstanceAction(instanceId);
  const [confirming, setConfirming] = useState(false);
  const running = action.isPending ? action.variables : null;
  const run = (a: InstanceAction) => action.mutate(a, { onSettled: () => setConfirming(false) });
  const busy = (kind: InstanceAction['kind'], hours?: number | null) =>
    running?.kind === kind &&
    (hours === undefined || (running.kind === 'keep-awake' && running.hours === hours));
  return { action, running, run, busy, confirming, setConfirming };
}

export type InstanceActionsState = ReturnType<typeof useInstanceActions>;
