import type { BudgetStatus } from '@podpilot/common';
import { formatMonth, formatUsd, progressWidth } from '../../lib/costs';

const tones = {
  ok: {
    bar: 'bg-emerald-500 dark:bg-emerald-400',
    text: 'text-emerald-700 dark:text-emerald-300',
    label: 'Within budget',
  },
  warning: {
    bar: 'bg-amber-500 dark:bg-amber-400',
    text: 'text-amber-800 dark:text-amber-300',
    label: 'Warning: 80 % of the cap spent',
  },
  exceeded: {
    bar: 'bg-red-600 dark:bg-red-500',
    text: 'text-red-700 dark:text-red-300',
    label: 'Cap reached',
  },
} as const;

/** This month's spend against the monthly cap: a bar that turns amber at 80 % and red at 100 %. */
export function BudgetMeter({ budget }: { budget: BudgetStatus }) {
  const cap = budget.budgets.monthlyCapUsd;
  const tone = tones[budget.state];
  const width = progressWidth(budget.monthPercent);
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Budget for {formatMonth(budget.month)} (UTC)
      </p>
      {cap === null ? (
        <>
          <p className="text-2xl font-semibold tabular-nums">{formatUsd(budget.monthSpentUsd)}</p>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            No monthly cap: nothing stops a forgotten instance from spending. Set one below.
          </p>
        </>
      ) : (
        <>
          <p className="flex flex-wrap items-baseline gap-x-2">
            <span className="text-2xl font-semibold tabular-nums">{formatUsd(budget.monthSpentUsd)}</span>
            <span className="text-sm text-slate-600 dark:text-slate-400">of {formatUsd(cap)} cap</span>
            <span className={`ml-auto text-sm font-medium ${tone.text}`}>
              {tone.label} · {Math.round(budget.monthPercent ?? 0)} %
            </span>
          </p>
          <div
            role="progressbar"
            aria-label="Monthly budget spent"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(width)}
            aria-valuetext={`${formatUsd(budget.monthSpentUsd)} of ${formatUsd(cap)} (${Math.round(budget.monthPercent ?? 0)} %)`}
            className="relative h-3 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
          >
            <div
              className={`h-full rounded-full transition-[width] ${tone.bar}`}
              style={{ width: `${width}%` }}
            />
            {/* The 80 % mark: where the warning starts. */}
            <div className="absolute inset-y-0 left-[80%] w-px bg-slate-500/60" aria-hidden="true" />
          </div>
          {budget.state === 'exceeded' ? (
            <p role="status" className="text-sm text-red-700 dark:text-red-300">
              New launches are refused and running instances are stopped until the month ends or you raise the
              cap.
            </p>
          ) : budget.state === 'warning' ? (
            <p role="status" className="text-sm text-amber-800 dark:text-amber-300">
              At 100 % new launches are refused and running instances are stopped.
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
