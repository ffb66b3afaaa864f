import type { BudgetStatus } from '@podpilot/common';
import { budgetImpact, formatHours, formatUsd } from '../../lib/budget-impact';

const pct = (value: number | null) => (value === null ? '' : ` (${Math.round(value)} % of the cap)`);

function Meter({ now, after, label }: { now: number; after: number; label: string }) {
  const clamp = (v: number) => Math.max(0, Math.min(100, v));
  return (
    <svg viewBox="0 0 100 8" preserveAspectRatio="none" className="h-2 w-full" role="img" aria-label={label}>
      <title>{label}</title>
      <rect width="100" height="8" rx="4" className="fill-slate-200 dark:fill-slate-800" />
      <rect
        width={clamp(after)}
        height="8"
        rx="4"
        className={after >= 100 ? 'fill-red-400' : 'fill-indigo-300 dark:fill-indigo-700'}
      />
      <rect
        width={clamp(now)}
        height="8"
        rx="4"
        className={now >= 100 ? 'fill-red-600' : 'fill-indigo-600 dark:fill-indigo-400'}
      />
    </svg>
  );
}

/** This month's spend and cap, what an hour and eight hours of the chosen offer add, and any warning. */
export function BudgetImpactPanel({ status, pricePerHour }: { status: BudgetStatus; pricePerHour: number }) {
  const impact = budgetImpact(status, pricePerHour);
  return (
    <div className="space-y-3 text-sm">
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2">
        <dt className="text-slate-500 dark:text-slate-400">Spent in {status.month}</dt>
        <dd className="text-right tabular-nums">
          {formatUsd(impact.spentUsd)}
          {impact.capUsd !== null ? ` of ${formatUsd(impact.capUsd)}` : ''}
        </dd>
        <dt className="text-slate-500 dark:text-slate-400">1 hour adds</dt>
        <dd className="text-right tabular-nums">
          {formatUsd(impact.oneHourUsd)}
          <span className="text-slate-500 dark:text-slate-400">{pct(impact.percentAfterOneHour)}</span>
        </dd>
        <dt className="text-slate-500 dark:text-slate-400">8 hours add</dt>
        <dd className="text-right tabular-nums">
          {formatUsd(impact.eightHoursUsd)}
          <span className="text-slate-500 dark:text-slate-400">{pct(impact.percentAfterEightHours)}</span>
        </dd>
        {impact.hoursUntilCap !== null && impact.hoursUntilCap > 0 ? (
          <>
            <dt className="text-slate-500 dark:text-slate-400">Cap reached after</dt>
            <dd className="text-right tabular-nums">{formatHours(impact.hoursUntilCap)}</dd>
          </>
        ) : null}
        {impact.maxHoursPerInstance !== null ? (
          <>
            <dt className="text-slate-500 dark:text-slate-400">Stopped after</dt>
            <dd className="text-right tabular-nums">{formatHours(impact.maxHoursPerInstance)} of GPU time</dd>
          </>
        ) : null}
      </dl>
      {impact.capUsd !== null && impact.percentNow !== null && impact.percentAfterEightHours !== null ? (
        <Meter
          now={impact.percentNow}
          after={impact.percentAfterEightHours}
          label={`Monthly cap: ${Math.round(impact.percentNow)} % spent, ${Math.round(impact.percentAfterEightHours)} % after 8 hours of this offer`}
        />
      ) : (
        <p className="text-xs text-slate-500 dark:text-slate-400">No monthly cap is set.</p>
      )}
      {impact.warnings.map((warning) => (
        <p
          key={warning.kind}
          role={warning.blocks ? 'alert' : undefined}
          className={
            warning.blocks
              ? 'rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-800 dark:border-red-900/60 dark:bg-red-950/50 dark:text-red-200'
              : 'rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200'
          }
        >
          {warning.message}
        </p>
      ))}
    </div>
  );
}
