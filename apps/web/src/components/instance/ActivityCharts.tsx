import type { ActivitySample } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { activityQuery } from '../../api/instances';
import { chartPath, seriesStats } from '../../lib/live';
import { Button } from '../Button';
import { ErrorAlert } from '../ErrorAlert';

const RANGES = [
  { hours: 1, label: '1 h' },
  { hours: 6, label: '6 h' },
  { hours: 24, label: '24 h' },
  { hours: 24 * 7, label: '7 d' },
];
const W = 600;
const H = 120;

function LineChart({
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

const pct = (v: number) => `${Math.round(v)} %`;
const gib = (v: number) => `${(v / 1024).toFixed(1)} GiB`;

/** GPU utilisation and VRAM over time (one sample a minute), with the numbers as a table too. */
export function ActivityCharts({ instanceId }: { instanceId: string }) {
  const [hours, setHours] = useState(6);
  const q = useQuery(activityQuery(instanceId, hours));
  const to = q.dataUpdatedAt || Date.now();
  const from = to - hours * 3_600_000;
  const samples = q.data?.samples ?? [];
  const vramMax = Math.max(1, ...samples.map((s) => s.vramTotalMiB ?? s.vramUsedMiB ?? 0));
  return (
    <div className="space-y-4">
      <fieldset className="flex flex-wrap items-center gap-2">
        <legend className="sr-only">Time range</legend>
        {RANGES.map((r) => (
          <Button
            key={r.hours}
            variant={r.hours === hours ? 'primary' : 'secondary'}
            aria-pressed={r.hours === hours}
            onClick={() => setHours(r.hours)}
          >
            {r.label}
          </Button>
        ))}
      </fieldset>
      {q.isError ? (
        <ErrorAlert error={q.error}>
          <Button variant="secondary" onClick={() => void q.refetch()}>
            Try again
          </Button>
        </ErrorAlert>
      ) : null}
      {q.isPending ? (
        <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
          Loading activity…
        </p>
      ) : null}
      {q.isSuccess && samples.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No activity in this range. The agent reports GPU use once the WebUI runs; one sample a minute is
          kept for 14 days.
        </p>
      ) : null}
      {samples.length ? (
        <>
          <div className="grid gap-4 md:grid-cols-2">
            <LineChart
              title="GPU utilisation (busiest GPU)"
              samples={samples}
              value={(s) => s.gpuPercent}
              max={100}
              from={from}
              to={to}
              unit={pct}
              color="stroke-indigo-500"
            />
            <LineChart
              title="VRAM used (all GPUs)"
              samples={samples}
              value={(s) => s.vramUsedMiB}
              max={vramMax}
              from={from}
              to={to}
              unit={gib}
              color="stroke-emerald-500"
            />
          </div>
          <details className="text-sm">
            <summary className="cursor-pointer rounded-sm focus-visible:outline-2 focus-visible:outline-indigo-500">
              Show the samples as a table
            </summary>
            <div className="mt-2 max-h-64 overflow-auto rounded-md border border-slate-200 dark:border-slate-800">
              <table className="min-w-full text-left text-xs tabular-nums">
                <caption className="sr-only">Activity samples</caption>
                <thead className="sticky top-0 bg-slate-50 dark:bg-slate-800">
                  <tr>
                    <th scope="col" className="px-3 py-1.5">
                      Time
                    </th>
                    <th scope="col" className="px-3 py-1.5">
                      GPU
                    </th>
                    <th scope="col" className="px-3 py-1.5">
                      VRAM
                    </th>
                    <th scope="col" className="px-3 py-1.5">
                      Busy
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {[...samples].reverse().map((s) => (
                    <tr key={s.at} className="border-t border-slate-100 dark:border-slate-800">
                      <td className="px-3 py-1">{new Date(s.at).toLocaleString()}</td>
                      <td className="px-3 py-1">{s.gpuPercent === null ? '—' : pct(s.gpuPercent)}</td>
                      <td className="px-3 py-1">
                        {s.vramUsedMiB === null ? '—' : gib(s.vramUsedMiB)}
                        {s.vramTotalMiB ? ` of ${gib(s.vramTotalMiB)}` : ''}
                      </td>
                      <td className="px-3 py-1">{s.busy === null ? '—' : s.busy ? 'yes' : 'no'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      ) : null}
    </div>
  );
}
