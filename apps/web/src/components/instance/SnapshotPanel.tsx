import { useId } from 'react';
import { Button } from '../shared/Button';
import { ErrorAlert } from '../shared/ErrorAlert';
import { QueryError, QueryState } from '../shared/QueryState';
import { TextField } from '../shared/TextField';
import { SnapshotResult } from './SnapshotResult';
import { type SnapshotState, useSnapshot } from './useSnapshot';

interface SnapshotPanelProps {
  instanceId: string;
  /** Whether the agent answers commands (the page's `isRunning`). */
  running: boolean;
  /** The instance's own profile, where a snapshot goes by default. */
  profileName: string | null;
  now: number;
}

/**
 * Takes a snapshot (the agent captures the UI and extension commits, models and settings files into a profile
 * version), waits for the agent's report and shows the latest result with its changes, warnings and uploads.
 */
export function SnapshotPanel({ instanceId, running, profileName, now }: SnapshotPanelProps) {
  const snapshot = useSnapshot(instanceId, running, now);
  const { waiting, slow, awaitedFailed, latest, shown } = snapshot;
  return (
    <div className="space-y-5">
      <SnapshotForm snapshot={snapshot} running={running} profileName={profileName} />

      {waiting ? (
        <p role="status" className="text-sm text-slate-700 dark:text-slate-300">
          {!running
            ? 'The instance is no longer running: the agent may not report this snapshot.'
            : slow
              ? 'Still waiting for the agent… It picks the command up with its next heartbeat; the log below shows what it does.'
              : 'Waiting for the agent… it picks the command up with its next heartbeat.'}
        </p>
      ) : null}
      {awaitedFailed ? (
        <QueryError error={awaitedFailed.error} retry={() => void awaitedFailed.refetch()} />
      ) : null}

      {shown ? (
        <SnapshotResult snapshot={shown} />
      ) : latest.isPending || latest.isError ? (
        <QueryState query={latest} what="the latest snapshot" />
      ) : waiting ? null : (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No snapshot yet: a snapshot captures what runs on this instance (the UI and extension commits, its
          models and settings files) into a profile version you can launch again.
        </p>
      )}
    </div>
  );
}

function SnapshotForm({
  snapshot: s,
  running,
  profileName,
}: {
  snapshot: SnapshotState;
  running: boolean;
  profileName: string | null;
}) {
  const hintId = useId();
  return (
    <form onSubmit={s.submit} noValidate className="space-y-3">
      <TextField
        label="Store as profile (optional)"
        className="max-w-md"
        value={s.as}
        onChange={(e) => s.setAs(e.target.value)}
        placeholder={profileName ?? undefined}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        error={s.nameError}
        hint={`Lowercase letters, digits and dashes, up to 63. Empty: ${
          profileName ? `a new version of ${profileName}` : "the instance's own profile"
        }.`}
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button
          type="submit"
          busy={s.requestSnapshot.isPending}
          busyLabel="Requesting…"
          disabled={!running || Boolean(s.nameError) || (s.waiting && !s.slow)}
          aria-describedby={running ? undefined : hintId}
        >
          Take snapshot
        </Button>
        {!running ? (
          <p id={hintId} className="text-sm text-slate-600 dark:text-slate-400">
            Needs a running instance (ready or idle): its agent takes the snapshot.
          </p>
        ) : null}
      </div>
      {s.requestSnapshot.isError ? (
        <ErrorAlert error={s.requestSnapshot.error}>
          <Button variant="ghost" onClick={() => s.requestSnapshot.reset()}>
            Dismiss
          </Button>
        </ErrorAlert>
      ) : null}
    </form>
  );
}
