import { useQuery } from '@tanstack/react-query';
import { transitionsQuery } from '../../api/instances';
import { formatDateTime } from '../../lib/format';
import { QueryState } from '../shared/QueryState';

/** Every state change of the instance with its cause, newest first. */
export function Timeline({ instanceId }: { instanceId: string }) {
  const q = useQuery(transitionsQuery(instanceId));
  if (q.isPending || q.isError) return <QueryState query={q} what="the state history" />;
  const items = [...q.data.transitions].reverse();
  if (!items.length)
    return <p className="text-sm text-slate-600 dark:text-slate-400">No state changes yet.</p>;
  return (
    <ol className="relative space-y-3 border-l border-slate-200 pl-5 dark:border-slate-800">
      {items.map((t, index) => (
        <li key={`${t.at}-${t.from}-${t.to}`} className="relative">
          <span
            aria-hidden="true"
            className={`absolute top-1.5 -left-[25px] size-2.5 rounded-full ring-4 ring-slate-50 dark:ring-slate-950 ${index === 0 ? 'bg-indigo-500' : 'bg-slate-300 dark:bg-slate-600'}`}
          />
          <p className="text-sm">
            <span className="font-medium">{t.to}</span>
            {t.from ? <span className="text-slate-500 dark:text-slate-400"> from {t.from}</span> : null}
          </p>
          <p className="text-xs text-slate-500 dark:text-slate-400">
            <time dateTime={t.at}>{formatDateTime(t.at)}</time>
            {t.cause ? <> · {t.cause}</> : null}
          </p>
        </li>
      ))}
    </ol>
  );
}
