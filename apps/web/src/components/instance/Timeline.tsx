import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { transitionsQuery } from '../../api/instances';
import { formatDateTime } from '../../lib/format';
import { groupTransitions, pageOf, type TransitionGroup } from '../../lib/timeline-groups';
import { Button } from '../shared/Button';
import { QueryState } from '../shared/QueryState';

const PAGE_SIZE = 15;

/** Every state change with its cause, newest first: back-and-forth runs folded (ready ⇄ idle ×12), paged. */
export function Timeline({ instanceId }: { instanceId: string }) {
  const q = useQuery(transitionsQuery(instanceId));
  const [page, setPage] = useState(0);
  if (q.isPending || q.isError) return <QueryState query={q} what="the state history" />;
  const groups = groupTransitions(q.data.transitions);
  if (!groups.length)
    return <p className="text-sm text-slate-600 dark:text-slate-400">No state changes yet.</p>;
  const { items, pages } = pageOf(groups, page, PAGE_SIZE);
  const current = Math.min(page, pages - 1);
  return (
    <div className="space-y-4">
      <ol className="relative space-y-3 border-l border-slate-200 pl-5 dark:border-slate-800">
        {items.map((g, index) => (
          <GroupEntry key={`${g.from}-${g.label}`} group={g} newest={current === 0 && index === 0} />
        ))}
      </ol>
      {pages > 1 ? (
        <nav aria-label="State history pages" className="flex items-center gap-3 text-sm">
          <Button variant="secondary" disabled={current === 0} onClick={() => setPage(current - 1)}>
            Newer
          </Button>
          <span>
            Page {current + 1} of {pages}
          </span>
          <Button variant="secondary" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
            Older
          </Button>
        </nav>
      ) : null}
    </div>
  );
}

function GroupEntry({ group: g, newest }: { group: TransitionGroup; newest: boolean }) {
  const single = g.items.length === 1 ? g.items[0] : null;
  return (
    <li className="relative">
      <span
        aria-hidden="true"
        className={`absolute top-1.5 -left-[25px] size-2.5 rounded-full ring-4 ring-slate-50 dark:ring-slate-950 ${newest ? 'bg-indigo-500' : 'bg-slate-300 dark:bg-slate-600'}`}
      />
      <p className="text-sm font-medium">{g.label}</p>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        <time dateTime={g.from}>{formatDateTime(g.from)}</time>
        {single ? null : (
          <>
            {' – '}
            <time dateTime={g.to}>{formatDateTime(g.to)}</time>
          </>
        )}
        {single?.cause ? <> · {single.cause}</> : null}
      </p>
      {single ? null : (
        <details className="mt-1 text-xs">
          <summary className="cursor-pointer rounded-sm text-slate-700 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-slate-300">
            Each change
          </summary>
          <ul className="mt-1 space-y-0.5 text-slate-600 dark:text-slate-400">
            {[...g.items].reverse().map((t) => (
              <li key={`${t.at}-${t.from}-${t.to}`}>
                <time dateTime={t.at}>{formatDateTime(t.at)}</time> · {t.from} → {t.to}
                {t.cause ? <> · {t.cause}</> : null}
              </li>
            ))}
          </ul>
        </details>
      )}
    </li>
  );
}
