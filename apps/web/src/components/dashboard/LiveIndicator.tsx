import type { LiveStatus } from '../../api/instances';

const labels: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

/** Whether the page gets changes as they happen. */
export function LiveIndicator({ status }: { status: LiveStatus }) {
  const tone =
    status === 'live'
      ? 'bg-emerald-500'
      : status === 'reconnecting'
        ? 'bg-amber-500 motion-safe:animate-pulse'
        : 'bg-slate-400 motion-safe:animate-pulse';
  return (
    <span
      role="status"
      className="inline-flex items-center gap-2 rounded-full bg-white px-2.5 py-1 text-xs font-medium text-slate-700 ring-1 ring-slate-200 ring-inset dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-700"
      title={status === 'live' ? 'Changes appear as they happen' : 'The live feed is not connected; retrying'}
    >
      <span className={`size-2 rounded-full ${tone}`} aria-hidden="true" />
      {labels[status]}
    </span>
  );
}
