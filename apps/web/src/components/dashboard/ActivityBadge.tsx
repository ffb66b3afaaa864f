/** Busy or idle, as the hub judged the agent's activity facts. */
export function ActivityBadge({ busy }: { busy: boolean }) {
  return (
    <span
      className={
        'inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ' +
        (busy
          ? 'bg-indigo-50 text-indigo-700 ring-indigo-200 dark:bg-indigo-950 dark:text-indigo-300 dark:ring-indigo-900'
          : 'bg-slate-50 text-slate-600 ring-slate-200 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-700')
      }
    >
      <span
        aria-hidden="true"
        className={`size-1.5 rounded-full ${busy ? 'bg-indigo-500 motion-safe:animate-pulse' : 'bg-slate-400'}`}
      />
      {busy ? 'busy' : 'idle'}
    </span>
  );
}
