import type { ActivitySample } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { activityQuery } from '../../api/instances';
import { Button } from '../shared/Button';
import { QueryState } from '../shared/QueryState';
import { LineChart } from './LineChart';

const RANGES = [
  { hours: 1, label: '1 h' },
  { hours: 6, label: '6 h' },
  { hours: 24, label: '24 h' },
  { hours: 24 * 7, label: '7 d' },
];

const pct = (v: number) => `${Math.round(v)} %`;
const gib = (v: number) => `${(v / 1024).toFixed(1)} GiB`;

/** GPU utilisation and VRAM over time (one sample a minute), with the numbers as a table too. */
export function ActivityCharts({ instanceId }: { instanceId: string }) {
  const [hours, setHours] = useState(6);
  const q = useQuery(activityQuery(instanceId, hours));
  const to = q.dataUpdatedAt || Date.now();
  const from = to - hours * 3_600_000;
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
      <QueryState query={q} what="activity">
        {({ samples }) =>
          samples.length ? (
            <Charts samples={samples} from={from} to={to} />
          ) : q.isSuccess ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              No activity in this range. The agent reports GPU use once the WebUI runs; one sample a minute is
              kept for 14 days.
            </p>
          ) : null
        }
      </QueryState>
    </div>
  );
}

function Charts({ samples, from, to }: { samples: ActivitySample[]; from: number; to: number }) {
  const vramMax = Math.max(1, ...samples.map((s) => s.vramTotalMiB ?? s.vramUsedMiB ?? 0));
  return (
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
        <SamplesTable samples={samples} />
      </details>
    </>
  );
}

function SamplesTable({ samples }: { samples: ActivitySample[] }) {
  return (
    <div className="mt-2 max-h-64 overflow-auto rounded-md border border-slate-200 dark:border-slate-800">
      <table className="min-w-full text-left text-xs tabular-nums">
        <caption className="sr-only">Activity samples</caption>
        <thead className="sticky top-0 bg-slate-50 dark:bg-slate-800">
          <tr>
            {['Time', 'GPU', 'VRAM', 'Busy'].map((label) => (
              <th key={label} scope="col" className="px-3 py-1.5">
                {label}
              </th>
            ))}
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
  );
}
