import { barHeight, dayOfMonth, formatAxisUsd, formatDay, formatUsd } from '../../lib/costs';

export interface Day {
  day: string;
  usd: number;
}

export const HEIGHT = 200;
const PAD = { top: 12, right: 8, bottom: 26, left: 48 };
const label = 'fill-slate-500 text-[11px] tabular-nums dark:fill-slate-400';

interface SpendBarsProps {
  days: Day[];
  width: number;
  max: number;
  ticks: number[];
}

/** The chart's inside: dashed lines at each tick with its amount, a bar per day, day numbers below. */
export function SpendBars({ days, width, max, ticks }: SpendBarsProps) {
  const plotWidth = Math.max(0, width - PAD.left - PAD.right);
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = days.length ? plotWidth / days.length : 0;
  const barWidth = Math.max(1, Math.min(28, slot * 0.7));
  // Label every day when there is room, else every few days (always the 1st).
  const labelEvery = slot >= 22 ? 1 : slot >= 11 ? 2 : slot >= 7 ? 5 : 7;
  return (
    <>
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
            <text x={PAD.left - 6} y={y} dy="0.32em" textAnchor="end" className={label}>
              {formatAxisUsd(tick)}
            </text>
          </g>
        );
      })}
      {days.map((d, i) => {
        const h = barHeight(d.usd, max, plotHeight);
        const n = dayOfMonth(d.day);
        return (
          <g key={d.day}>
            {h > 0 ? (
              <rect
                x={PAD.left + i * slot + (slot - barWidth) / 2}
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
              <text x={PAD.left + i * slot + slot / 2} y={HEIGHT - 8} textAnchor="middle" className={label}>
                {n}
              </text>
            ) : null}
          </g>
        );
      })}
    </>
  );
}
