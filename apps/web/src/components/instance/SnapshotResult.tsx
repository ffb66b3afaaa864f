import type { SnapshotStatus } from '@podpilot/common';
import { Link } from '@tanstack/react-router';
import { formatSize } from '../../lib/live';
import { previousVersion } from '../../lib/profiles';
import { UPLOAD_STATUS_LABELS } from '../../lib/snapshots';
import { RelativeTime } from '../shared/RelativeTime';
import { linkClass } from '../shared/styles';
import { cell, Table } from '../shared/Table';

type UploadStatus = SnapshotStatus['uploads'][number]['status'];

const uploadStatusClass: Record<UploadStatus, string> = {
  available: 'text-emerald-700 dark:text-emerald-400',
  pending: 'text-slate-600 dark:text-slate-400',
  failed: 'text-red-700 dark:text-red-400',
};
const uploadStatusMark: Record<UploadStatus, string> = {
  available: '✓',
  pending: '…',
  failed: '✖',
};

/** A snapshot's outcome: the profile version, its changes, warnings and the models it uploads. */
export function SnapshotResult({ snapshot: s }: { snapshot: SnapshotStatus }) {
  const pending = s.uploads.filter((u) => u.status === 'pending').length;
  const failed = s.uploads.filter((u) => u.status === 'failed').length;
  return (
    <div className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <SnapshotVersion snapshot={s} />
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
      {s.warnings.length ? <SnapshotWarnings warnings={s.warnings} /> : null}
      {s.uploads.length ? <SnapshotUploads uploads={s.uploads} /> : null}
      {s.agentMessage ? (
        <p className="text-sm break-words text-slate-700 dark:text-slate-300">
          <span className="font-medium">Agent:</span> {s.agentMessage}
        </p>
      ) : null}
    </div>
  );
}

/** When it was taken, the profile version it made (or matched), and a link to compare it with the one before. */
function SnapshotVersion({ snapshot: s }: { snapshot: SnapshotStatus }) {
  const previous = s.created ? previousVersion(s.version) : null;
  return (
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
  );
}

function SnapshotWarnings({ warnings }: { warnings: string[] }) {
  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
      <h4 className="font-medium">
        <span aria-hidden="true">⚠ </span>
        {warnings.length === 1 ? 'Warning' : `${warnings.length} warnings`}
      </h4>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {warnings.map((w) => (
          <li key={w} className="break-all">
            {w}
          </li>
        ))}
      </ul>
    </div>
  );
}

function SnapshotUploads({ uploads }: { uploads: SnapshotStatus['uploads'] }) {
  return (
    <div className="space-y-2">
      <h4 className="text-sm font-medium">Model uploads</h4>
      <Table caption="Models the agent uploads to the library" head={['File', 'Size', 'Status']}>
        {uploads.map((u) => (
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
  );
}
