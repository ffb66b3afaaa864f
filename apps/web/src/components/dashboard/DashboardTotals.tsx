import { formatUsd } from '../../lib/live';

/** Three numbers across the top of the dashboard: what runs, what it costs per hour, what was spent. */
export function DashboardTotals({
  running,
  perHour,
  spent,
}: {
  running: number;
  perHour: number;
  spent: number;
}) {
  return (
    <dl className="grid grid-cols-3 gap-3">
      {[
        ['Running', String(running)],
        ['Burning', `${formatUsd(perHour)}/h`],
        ['Spent, all instances', formatUsd(spent)],
      ].map(([label, value]) => (
        <div
          key={label}
          className="rounded-lg border border-slate-200 bg-white px-3 py-2.5 shadow-sm sm:px-4 dark:border-slate-800 dark:bg-slate-900"
        >
          <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
          <dd className="mt-0.5 text-lg font-semibold tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
