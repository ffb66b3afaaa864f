import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { snapshotStatusQuery, useRequestSnapshot } from '../../api/snapshots';
import { snapshotBody, snapshotProfileError } from '../../lib/snapshots';

/** After this long without the agent's report, say so and let the owner ask again. */
const SLOW_MS = 2 * 60_000;

/**
 * The snapshot panel's state: the profile to store it as, the request, the wait for the agent's report, and
 * the latest snapshot (the requested one once it is in).
 */
export function useSnapshot(instanceId: string, running: boolean, now: number) {
  const [as, setAs] = useState('');
  const [request, setRequest] = useState<{ commandId: string; at: number } | null>(null);
  const requestSnapshot = useRequestSnapshot(instanceId);
  // Nothing polls once the instance stopped: the page refreshes `['instance', id]` on a state change.
  const noPollWhenStopped = running ? {} : { refetchInterval: false as const };
  const awaited = useQuery({
    ...snapshotStatusQuery(instanceId, request?.commandId ?? null),
    ...noPollWhenStopped,
    enabled: request !== null,
  });
  // Once the requested snapshot is in, it is the latest: no need to ask twice.
  const latest = useQuery({
    ...snapshotStatusQuery(instanceId),
    ...noPollWhenStopped,
    enabled: request === null || !awaited.data,
  });

  const nameError = snapshotProfileError(as);
  const waiting = request !== null && !awaited.isError && (awaited.isPending || awaited.data === null);
  const slow = waiting && request !== null && now - request.at > SLOW_MS;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (nameError || !running) return;
    requestSnapshot.mutate(snapshotBody(as), {
      onSuccess: ({ commandId }) => setRequest({ commandId, at: Date.now() }),
    });
  };

  return {
    as,
    setAs,
    nameError,
    submit,
    requestSnapshot,
    waiting,
    slow,
    /** The failed wait for the requested snapshot, if any. */
    awaitedFailed: request !== null && awaited.isError ? awaited : null,
    latest,
    shown: (request !== null ? awaited.data : undefined) ?? latest.data,
  };
}

export type SnapshotState = ReturnType<typeof useSnapshot>;
