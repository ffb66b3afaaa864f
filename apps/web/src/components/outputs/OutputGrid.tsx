import type { ListOutputsResponse, OutputSummary } from '@podpilot/common';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { useRef } from 'react';
import { useLoadMoreOnScroll } from '../../hooks/useLoadMoreOnScroll';
import { Button } from '../shared/Button';
import { QueryError } from '../shared/QueryState';
import { OutputTile } from './OutputTile';
import type { OutputSelection } from './useOutputSelection';

const gridClass = 'grid grid-cols-2 gap-3 sm:grid-cols-3 md:grid-cols-4 lg:grid-cols-5';

interface OutputGridProps {
  list: OutputSummary[];
  outputs: UseInfiniteQueryResult<InfiniteData<ListOutputsResponse>>;
  selection: OutputSelection;
  filtered: boolean;
  onOpen: (id: string) => void;
}

/** The gallery: how many are loaded, Select all, the tiles, and the next page as the end nears the screen. */
export function OutputGrid({ list, outputs, selection, filtered, onOpen }: OutputGridProps) {
  const { selected } = selection;
  return (
    <section aria-label="Outputs" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600 dark:text-slate-400">
        <p aria-live="polite">
          {list.length} output{list.length === 1 ? '' : 's'}
          {outputs.hasNextPage ? ' loaded, more below' : ''}
        </p>
        <Button variant="ghost" onClick={selection.toggleAll}>
          {selected.size === list.length ? 'Select none' : 'Select all loaded'}
        </Button>
      </div>
      <ul className={gridClass}>
        {list.map((output) => (
          <OutputTile
            key={output.id}
            output={output}
            selected={selected.has(output.id)}
            onToggle={selection.toggle}
            onOpen={onOpen}
          />
        ))}
      </ul>
      <MoreOutputs outputs={outputs} filtered={filtered} />
    </section>
  );
}

/** The end of the grid: the next page loads as it nears the screen (or on Load more). */
function MoreOutputs({ outputs, filtered }: Pick<OutputGridProps, 'outputs' | 'filtered'>) {
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isError } = outputs;
  useLoadMoreOnScroll(sentinel, {
    enabled: hasNextPage && !isError,
    loading: isFetchingNextPage,
    loadMore: fetchNextPage,
  });
  return (
    <div ref={sentinel} className="flex flex-col items-center gap-3 py-4">
      {outputs.isFetchNextPageError ? (
        <QueryError error={outputs.error} retry={() => void fetchNextPage()} className="w-full" />
      ) : hasNextPage ? (
        <Button
          variant="secondary"
          busy={isFetchingNextPage}
          busyLabel="Loading…"
          onClick={() => void fetchNextPage()}
        >
          Load more
        </Button>
      ) : (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          That is all{filtered ? ' that matches' : ''}.
        </p>
      )}
    </div>
  );
}

/** Placeholder tiles while the first page loads. */
export function GridSkeleton() {
  return (
    <div role="status" aria-label="Loading outputs">
      <ul aria-hidden="true" className={gridClass}>
        {Array.from({ length: 10 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: placeholders without identity
          <li key={i} className="overflow-hidden rounded-lg border border-slate-200 dark:border-slate-800">
            <div className="aspect-square animate-pulse bg-slate-100 dark:bg-slate-800" />
            <div className="h-12 bg-white dark:bg-slate-900" />
          </li>
        ))}
      </ul>
    </div>
  );
}
