import type { SnapshotStatus } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useId, useState } from 'react';
import { snapshotStatusQuery, useRequestSnapshot } from '../../api/snapshots';
import { formatSize } from '../../lib/live';
import { previousVersion } from '../../lib/profiles';
import { snapshotBody, snapshotProfileError, UPLOAD_STATUS_LABELS } from '../../lib/snapshots';
import { Button } from '../Button';
import { ErrorAlert } from '../ErrorAlert';
import { linkClass } from '../profiles/QueryState';
import { RelativeTime } from '../RelativeTime';
import { cell, Table } from '../Table';
import { TextField } from '../TextField';

/** After this long without the agent's report, say so and let the owner ask again. */
const SLOW_MS = 2 * 60_000;

const uploadStatusClass: Record<SnapshotStatus['uploads'][number]['status'], string> = {
  available: 'text-emerald-700 dark:text-emerald-400',
  pending: 'text-slate-600 dark:text-slate-400',
  failed: 'text-red-700 dark:text-red-400',
};
const uploadStatusMark: Record<SnapshotStatus['uploads'][number]['status'], string> = {
  available: '✓',
  pending: '…',
  failed: '✖',
};

/**
 * Takes a snapshot (the agent captures the UI and extension commits, models and settings files into a profile
 * version), waits for the agent's report and shows the latest result with its changes, warnings and uploads.
 */
export function SnapshotPanel({
  instanceId,
  running,
  profileName,
  now,
}: {
  instanceId: string;
  /** Whether the agent answers commands (the page's `isRunning`). */
  running: boolean;
  /** The instance's own profile, where a snapshot goes by default. */
  profileName: string | null;
  now: number;
}) {
  const [as, setAs] = useState('');
  const [request, setRequest] = useState<{ commandId: string; at: number } | null>(null);
  const requestSnapshot = useRequestSnapshot(instanceId);
  const hintId = useId();
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
  const shown = (request !== null ? awaited.data : undefined) ?? latest.data;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (nameError || !running) return;
    requestSnapshot.mutate(snapshotBody(as), {
      onSuccess: ({ commandId }) => setRequest({ commandId, at: Date.now() }),
    });
  };

  return (
    <div className="space-y-5">
      <form onSubmit={onSubmit} noValidate className="space-y-3">
        <TextField
          label="Store as profile (optional)"
          className="max-w-md"
          value={as}
          onChange={(e) => setAs(e.target.value)}
          placeholder={profileName ?? undefined}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          error={nameError}
          hint={`Lowercase letters, digits and dashes, up to 63. Empty: ${
            profileName ? `a new version of ${profileName}` : "the instance's own profile"
          }.`}
        />
        <div className="flex flex-wrap items-center gap-3">
          <Button
            type="submit"
            busy={requestSnapshot.isPending}
            busyLabel="Requesting…"
            disabled={!running || Boolean(nameError) || (waiting && !slow)}
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
        {requestSnapshot.isError ? (
          <ErrorAlert error={requestSnapshot.error}>
            <Button variant="ghost" onClick={() => requestSnapshot.reset()}>
              Dismiss
            </Button>
          </ErrorAlert>
        ) : null}
      </form>

      {waiting ? (
        <p role="status" className="text-sm text-slate-700 dark:text-slate-300">
          {!running
            ? 'The instance is no longer running: the agent may not report this snapshot.'
            : slow
              ? 'Still waiting for the agent… It picks the command up with its next heartbeat; the log below shows what it does.'
              : 'Waiting for the agent… it picks the command up with its next heartbeat.'}
        </p>
      ) : null}
      {request !== null && awaited.isError ? (
        <ErrorAlert error={awaited.error}>
          <Button variant="secondary" onClick={() => void awaited.refetch()}>
            Try again
          </Button>
        </ErrorAlert>
      ) : null}

      {shown ? (
        <SnapshotResultView snapshot={shown} />
      ) : latest.isPending ? (
        <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
          Loading the latest snapshot…
        </p>
      ) : latest.isError ? (
        <ErrorAlert error={latest.error}>
          <Button variant="secondary" onClick={() => void latest.refetch()}>
            Try again
          </Button>
        </ErrorAlert>
      ) : waiting ? null : (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No snapshot yet: a snapshot captures what runs on this instance (the UI and extension commits, its
          models and settings files) into a profile version you can launch again.
        </p>
      )}
    </div>
  );
}

function SnapshotResultView({ snapshot: s }: { snapshot: SnapshotStatus }) {
  const previous = s.created ? previousVersion(s.version) : null;
  const pending = s.uploads.filter((u) => u.status === 'pending').length;
  const failed = s.uploads.filter((u) => u.status === 'failed').length;
  return (
    <div className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <div className="space-y-1">
        <h3 className="text-sm font-semibold">
          Latest snapshot{' '}
          <span className="font-normal text-slate-500 dark:text-slate-400">
            · <RelativeTime iso={s.createdAt} />
          </span>
        </h3>
        <p className="text-sm break-all">
          <Link
            to="/profiles/$name"
            params={{ name: s.profile }}
            search={{ version: s.version }}
            className={linkClass}
          >
            {s.profile}@{s.version}
          </Link>{' '}
          <span className="text-slate-600 dark:text-slate-400">
            {s.created ? '· new version' : '· no new version (it matches the latest one)'}
          </span>
        </p>
        {previous !== null ? (
          <p className="text-sm">
            <Link
              to="/profiles/$name/diff"
              params={{ name: s.profile }}
              search={{ from: previous, to: s.version }}
              className={linkClass}
            >
              Compare v{previous} with v{s.version}
            </Link>
          </p>
        ) : null}
      </div>

      {!s.complete ? (
        <p role="status" className="text-sm text-slate-700 dark:text-slate-300">
          Uploading {pending} model{pending === 1 ? '' : 's'} the library lacked… The snapshot can be launched
          elsewhere once they are in.
        </p>
      ) : failed > 0 ? (
        <p className="text-sm text-red-700 dark:text-red-400">
          {failed} model upload{failed === 1 ? '' : 's'} failed: launching this version elsewhere needs{' '}
          {failed === 1 ? 'it' : 'them'} in the library.
        </p>
      ) : null}

      <div>
        <h4 className="text-sm font-medium">Changes against the launched version</h4>
        {s.changes.length ? (
          <ul className="mt-1 list-disc space-y-0.5 pl-5 text-sm text-slate-700 dark:text-slate-300">
            {s.changes.map((c) => (
              <li key={c} className="break-all">
                {c}
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            No changes against the launched version.
          </p>
        )}
      </div>

      {s.warnings.length ? (
        <div className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
          <h4 className="font-medium">
            <span aria-hidden="true">⚠ </span>
            {s.warnings.length === 1 ? 'Warning' : `${s.warnings.length} warnings`}
          </h4>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {s.warnings.map((w) => (
              <li key={w} className="break-all">
                {w}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {s.uploads.length ? (
        <div className="space-y-2">
          <h4 className="text-sm font-medium">Model uploads</h4>
          <Table caption="Models the agent uploads to the library" head={['File', 'Size', 'Status']}>
            {s.uploads.map((u) => (
              <tr key={`${u.sha256}:${u.path}`}>
                <td className="px-4 py-3 break-all">{u.path}</td>
                <td className={`${cell} tabular-nums`}>{formatSize(u.sizeBytes)}</td>
                <td className={`${cell} ${uploadStatusClass[u.status]}`}>
                  <span aria-hidden="true">{uploadStatusMark[u.status]} </span>
                  {UPLOAD_STATUS_LABELS[u.status]}
                </td>
              </tr>
            ))}
          </Table>
        </div>
      ) : null}

      {s.agentMessage ? (
        <p className="text-sm break-words text-slate-700 dark:text-slate-300">
          <span className="font-medium">Agent:</span> {s.agentMessage}
        </p>
      ) : null}
    </div>
  );
}
