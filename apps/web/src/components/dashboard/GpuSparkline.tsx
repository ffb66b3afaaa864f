import { useQuery } from '@tanstack/react-query';
import { activityQuery } from '../../api/instances';
import { chartPath, seriesStats } from '../../lib/live';

const WIDTH = 120;
const HEIGHT = 28;

/**
 * The last hour of GPU use of a running instance, from `GET /api/instances/:id/activity` (one sample a
 * minute, refreshed each minute: one small call per running card). Says "no samples yet" until the agent
 * reports one.
 */
export function GpuSparkline({ instanceId }: { instanceId: string }) {
  const q = useQuery(activityQuery(instanceId, 1));
  const samples = q.data?.samples ?? [];
  const stats = seriesStats(samples.map((s) => s.gpuPercent));
  const now = Date.now();
  const path = chartPath(samples, (s) => s.gpuPercent, {
    from: now - 3_600_000,
    to: now,
    width: WIDTH,
    height: HEIGHT,
    max: 100,
  });
  const summary = stats
    ? `GPU use, last hour: now ${Math.round(stats.last)}%, average ${Math.round(stats.avg)}%, peak ${Math.round(stats.max)}%`
    : 'GPU use, last hour: no samples yet';
  return (
    <div className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-300">
      <svg
        role="img"
        aria-label={summary}
        width={WIDTH}
        height={HEIGHT}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="shrink-0 rounded bg-slate-50 dark:bg-slate-800"
      >
        <path d={path} fill="none" strokeWidth={1.5} className="stroke-indigo-600 dark:stroke-indigo-400" />
      </svg>
      <span aria-hidden="true">{stats ? `GPU ${Math.round(stats.last)}%` : 'GPU —'}</span>
    </div>
  );
}
