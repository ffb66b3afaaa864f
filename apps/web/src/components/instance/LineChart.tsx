import type { ActivitySample } from '@podpilot/common';
import { useId } from 'react';
import { chartPath, seriesStats } from '../../lib/live';

const W = 600;
const H = 120;

/** One series over time as an SVG line, with its latest, average and peak said in words. */
export function LineChart({
  title,
  samples,
  value,
  max,
  from,
  to,
  unit,
  color,
}: {
  title: string;
  samples: ActivitySample[];
  value: (s: ActivitySample) => number | null;
  max: number;
  from: number;
  to: number;
  unit: (v: number) => string;
  color: string;
}) {
  const titleId = useId();
  const stats = seriesStats(samples.map(value));
  const d = chartPath(samples, value, { width: W, height: H, from, to, max });
  const summary = stats
    ? `latest ${unit(stats.last)}, average ${unit(stats.avg)}, peak ${unit(stats.max)}`
    : 'no data in this range';
  return (
    <figure className="space-y-1">
      <figcaption className="flex flex-wrap justify-between gap-x-3 text-sm">
        <span className="font-medium">{title}</span>
        <span className="text-xs text-slate-500 tabular-nums dark:text-slate-400">{summary}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-labelledby={titleId}
        className="h-28 w-full rounded-md bg-slate-50 dark:bg-slate-800/50"
      >
        <title id={titleId}>{`${title}: ${summary}`}</title>
        {[0.25, 0.5, 0.75].map((f) => (
          <line
            key={f}
            x1={0}
            x2={W}
            y1={H * f}
            y2={H * f}
            className="stroke-slate-200 dark:stroke-slate-700"
            strokeWidth={1}
            vectorEffect="non-scaling-stroke"
          />
        ))}
        <path d={d} fill="none" className={color} strokeWidth={2} vectorEffect="non-scaling-stroke" />
      </svg>
      <div className="flex justify-between text-[11px] text-slate-500 dark:text-slate-400">
        <span>{new Date(from).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })}</span>
        <span>now</span>
      </div>
    </figure>
  );
}
