import { useId } from 'react';
import { useElementWidth } from '../../hooks/useElementWidth';
import { chartScale, formatDay, formatMonth, formatUsd, spendSummary } from '../../lib/costs';
import { type Day, HEIGHT, SpendBars } from './SpendBars';

/**
 * Spend per UTC day as SVG bars, drawn at the container's real width so labels stay legible on a phone.
 * The SVG is described by its title and summary; the same numbers are in a table just below it.
 */
export function DailySpendChart({ month, days }: { month: string; days: Day[] }) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const titleId = useId();
  const descId = useId();
  const { max, ticks } = chartScale(days.map((d) => d.usd));
  const summary = spendSummary(month, days);
  return (
    <figure className="space-y-3">
      <div
        ref={ref}
        className="rounded-lg border border-slate-200 bg-white p-2 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      >
        {width > 0 ? (
          <svg
            width={width}
            height={HEIGHT}
            viewBox={`0 0 ${width} ${HEIGHT}`}
            role="img"
            aria-labelledby={`${titleId} ${descId}`}
            className="block max-w-full"
          >
            <title id={titleId}>Spend per day, {formatMonth(month)}</title>
            <desc id={descId}>{summary}</desc>
            <SpendBars days={days} width={width} max={max} ticks={ticks} />
          </svg>
        ) : (
          <div style={{ height: HEIGHT }} />
        )}
      </div>
      <figcaption className="text-sm text-slate-600 dark:text-slate-400">{summary} Days are UTC.</figcaption>
      <details className="group text-sm">
        <summary className="cursor-pointer rounded-md font-medium text-indigo-600 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:text-indigo-400">
          Show the numbers as a table
        </summary>
        <DailySpendTable month={month} days={days} />
      </details>
    </figure>
  );
}

const th = 'px-4 py-2 text-xs font-semibold text-slate-600 uppercase dark:text-slate-400';

function DailySpendTable({ month, days }: { month: string; days: Day[] }) {
  return (
    <div className="relative mt-3 max-h-80 overflow-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm dark:divide-slate-800">
        <caption className="sr-only">Spend per day, {formatMonth(month)}</caption>
        <thead className="sticky top-0 bg-slate-50 dark:bg-slate-800">
          <tr>
            <th scope="col" className={th}>
              Day
            </th>
            <th scope="col" className={`${th} text-right`}>
              Spend
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {days.map((d) => (
            <tr key={d.day}>
              <td className="px-4 py-1.5">{formatDay(d.day)}</td>
              <td className="px-4 py-1.5 text-right tabular-nums">{formatUsd(d.usd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
