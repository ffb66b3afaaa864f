import { useId } from 'react';
import {
  barHeight,
  chartScale,
  dayOfMonth,
  formatAxisUsd,
  formatDay,
  formatMonth,
  formatUsd,
} from '../../lib/costs';
import { useElementWidth } from './useElementWidth';

interface Day {
  day: string;
  usd: number;
}

const HEIGHT = 200;
const PAD = { top: 12, right: 8, bottom: 26, left: 48 };

/**
 * Spend per UTC day as SVG bars, drawn at the container's real width so labels stay legible on a phone.
 * The SVG is described by its title and summary; the same numbers are in a table just below it.
 */
export function DailySpendChart({ month, days }: { month: string; days: Day[] }) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const titleId = useId();
  const descId = useId();
  const { max, ticks } = chartScale(days.map((d) => d.usd));
  const total = days.reduce((sum, d) => sum + d.usd, 0);
  const peak = days.reduce<Day | null>((best, d) => (d.usd > (best?.usd ?? 0) ? d : best), null);
  const average = days.length ? total / days.length : 0;

  const plotWidth = Math.max(0, width - PAD.left - PAD.right);
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = days.length ? plotWidth / days.length : 0;
  const barWidth = Math.max(1, Math.min(28, slot * 0.7));
  // Label every day when there is room, else every few days (always the 1st).
  const labelEvery = slot >= 22 ? 1 : slot >= 11 ? 2 : slot >= 7 ? 5 : 7;

  const summary = peak
    ? `Highest: ${formatDay(peak.day)}, ${formatUsd(peak.usd)}. Daily average ${formatUsd(average)} over ${days.length} day${days.length === 1 ? '' : 's'}.`
    : `No spend on any day of ${formatMonth(month)} so far.`;

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
            {ticks.map((tick) => {
              const y = PAD.top + plotHeight - (tick / max) * plotHeight;
              return (
                <g key={tick}>
                  <line
                    x1={PAD.left}
                    x2={PAD.left + plotWidth}
                    y1={y}
                    y2={y}
                    className="stroke-slate-200 dark:stroke-slate-800"
                    strokeDasharray={tick === 0 ? undefined : '3 3'}
                  />
                  <text
                    x={PAD.left - 6}
                    y={y}
                    dy="0.32em"
                    textAnchor="end"
                    className="fill-slate-500 text-[11px] tabular-nums dark:fill-slate-400"
                  >
                    {formatAxisUsd(tick)}
                  </text>
                </g>
              );
            })}
            {days.map((d, i) => {
              const h = barHeight(d.usd, max, plotHeight);
              const x = PAD.left + i * slot + (slot - barWidth) / 2;
              const n = dayOfMonth(d.day);
              return (
                <g key={d.day}>
                  {h > 0 ? (
                    <rect
                      x={x}
                      y={PAD.top + plotHeight - h}
                      width={barWidth}
                      height={h}
                      rx={Math.min(3, barWidth / 3)}
                      className="fill-indigo-500 hover:fill-indigo-400 dark:fill-indigo-400 dark:hover:fill-indigo-300"
                    >
                      <title>{`${formatDay(d.day)}: ${formatUsd(d.usd)}`}</title>
                    </rect>
                  ) : null}
                  {n === 1 || (n - 1) % labelEvery === 0 ? (
                    <text
                      x={PAD.left + i * slot + slot / 2}
                      y={HEIGHT - 8}
                      textAnchor="middle"
                      className="fill-slate-500 text-[11px] tabular-nums dark:fill-slate-400"
                    >
                      {n}
                    </text>
                  ) : null}
                </g>
              );
            })}
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
        <div className="relative mt-3 max-h-80 overflow-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <table className="min-w-full divide-y divide-slate-200 text-left text-sm dark:divide-slate-800">
            <caption className="sr-only">Spend per day, {formatMonth(month)}</caption>
            <thead className="sticky top-0 bg-slate-50 dark:bg-slate-800">
              <tr>
                <th
                  scope="col"
                  className="px-4 py-2 text-xs font-semibold text-slate-600 uppercase dark:text-slate-400"
                >
                  Day
                </th>
                <th
                  scope="col"
                  className="px-4 py-2 text-right text-xs font-semibold text-slate-600 uppercase dark:text-slate-400"
                >
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
      </details>
    </figure>
  );
}
