import type { OutputSummary } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { instanceOutputsQuery } from '../../api/instances';
import { formatSize } from '../../lib/live';
import { QueryState } from '../shared/QueryState';

const fileName = (path: string) => path.split('/').pop() ?? path;

/** A thumbnail (signed in the list answer) linking to the gallery's full view of the output. */
function Thumb({ output }: { output: OutputSummary }) {
  const name = fileName(output.path);
  const src = output.thumbnailUrl;
  return (
    <figure className="overflow-hidden rounded-md border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      {src ? (
        <Link
          to="/outputs"
          search={{ view: output.id }}
          className="block focus-visible:outline-2 focus-visible:outline-indigo-500"
        >
          <img src={src} alt={name} loading="lazy" className="aspect-square w-full object-cover" />
        </Link>
      ) : (
        <div className="flex aspect-square items-center justify-center bg-slate-100 p-2 text-center text-xs text-slate-500 dark:bg-slate-800 dark:text-slate-400">
          no preview
        </div>
      )}
      <figcaption className="truncate px-2 py-1 text-xs" title={output.path}>
        {name} <span className="text-slate-500 dark:text-slate-400">· {formatSize(output.sizeBytes)}</span>
      </figcaption>
    </figure>
  );
}

/** The newest outputs of this instance, as thumbnails. */
export function RecentOutputs({ instanceId }: { instanceId: string }) {
  const q = useQuery(instanceOutputsQuery(instanceId));
  if (q.isPending || q.isError) return <QueryState query={q} what="outputs" />;
  if (!q.data.outputs.length)
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        No outputs yet. Every image the WebUI saves is synced to storage and shows up here.
      </p>
    );
  return (
    <div className="space-y-3">
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6">
        {q.data.outputs.map((o) => (
          <li key={o.id}>
            <Thumb output={o} />
          </li>
        ))}
      </ul>
      <Link
        to="/outputs"
        className="inline-block rounded-sm text-sm font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-500 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-400"
      >
        All outputs
      </Link>
    </div>
  );
}
