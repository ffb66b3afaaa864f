import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { instancesQuery } from '../../api/instances';
import {
  downloadOutputs,
  newestOutputQuery,
  outputProfilesQuery,
  outputQuery,
  outputsQuery,
} from '../../api/outputs';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { OutputDialog } from '../../components/outputs/OutputDialog';
import { OutputFilters } from '../../components/outputs/OutputFilters';
import { OutputTile } from '../../components/outputs/OutputTile';
import { hasFilters, type OutputsSearch, parseOutputsSearch } from '../../lib/outputs-search';
import { usePageTitle } from '../../lib/usePageTitle';

export const Route = createFileRoute('/_authed/outputs')({
  validateSearch: (raw: Record<string, unknown>): OutputsSearch => parseOutputsSearch(raw),
  component: OutputsPage,
});

function OutputsPage() {
  usePageTitle('Outputs');
  const search = Route.useSearch();
  const navigate = useNavigate({ from: Route.fullPath });
  const queryClient = useQueryClient();
  const { view, ...filters } = search;

  const outputs = useInfiniteQuery(outputsQuery(filters));
  const instances = useQuery({ ...instancesQuery, refetchInterval: false });
  const profiles = useQuery(outputProfilesQuery);
  // New outputs: a light poll for the newest id; the list reloads when the reader asks.
  const newest = useQuery({ ...newestOutputQuery(filters), enabled: !!outputs.data });
  const list = useMemo(() => outputs.data?.pages.flatMap((page) => page.outputs) ?? [], [outputs.data]);

  const setFilters = useCallback(
    (changes: Partial<OutputsSearch>) =>
      void navigate({ search: (prev) => ({ ...prev, ...changes }), replace: true }),
    [navigate],
  );
  // Opening the full view adds a history entry, so Back closes it; paging through outputs replaces it.
  const pushedView = useRef(false);
  const open = useCallback(
    (id: string) => {
      pushedView.current = true;
      void navigate({ search: (prev) => ({ ...prev, view: id }) });
    },
    [navigate],
  );
  // Closing the full view (button, Escape, Back) puts the keyboard back on the last output seen.
  const lastViewed = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (view) {
      lastViewed.current = view;
      return;
    }
    pushedView.current = false;
    const id = lastViewed.current;
    lastViewed.current = undefined;
    if (id) document.querySelector<HTMLElement>(`[data-output="${CSS.escape(id)}"]`)?.focus();
  }, [view]);
  const step = (id: string) => void navigate({ search: (prev) => ({ ...prev, view: id }), replace: true });
  const close = () => {
    if (pushedView.current) {
      pushedView.current = false;
      window.history.back();
    } else {
      void navigate({ search: (prev) => ({ ...prev, view: undefined }), replace: true });
    }
  };

  // Selection, for downloading several files.
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const toggle = useCallback(
    (id: string) =>
      setSelected((current) => {
        const next = new Set(current);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );
  const [download, setDownload] = useState<{ done: number; total: number } | null>(null);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  async function downloadSelected() {
    const ids = list.filter((o) => selected.has(o.id)).map((o) => o.id);
    setDownloadError(null);
    setDownload({ done: 0, total: ids.length });
    try {
      await downloadOutputs(queryClient, ids, (done) => setDownload({ done, total: ids.length }));
      setSelected(new Set());
    } catch (error) {
      setDownloadError(error);
    } finally {
      setDownload(null);
    }
  }

  // Infinite scroll: the next page loads as the end of the grid nears the screen.
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isError } = outputs;
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage || isError || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: '800px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, isError]);

  // The full view: from the loaded list, or fetched on its own for a shared link.
  const index = view ? list.findIndex((o) => o.id === view) : -1;
  const fromList = index >= 0 ? list[index] : undefined;
  const single = useQuery({ ...outputQuery(view ?? ''), enabled: !!view && !fromList });
  const previous = index > 0 ? list[index - 1] : undefined;
  const next = index >= 0 && index < list.length - 1 ? list[index + 1] : undefined;
  const filtered = hasFilters(filters);
  const firstPage = outputs.data?.pages[0];
  const hasNew =
    !!newest.data && !!firstPage && newest.data !== (firstPage.outputs[0]?.id ?? null) && !outputs.isFetching;

  return (
    <>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Outputs</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Every file your instances generated, kept in storage after the instance is gone.
          </p>
        </div>
        <Button
          variant="secondary"
          busy={outputs.isRefetching && !outputs.isFetchingNextPage}
          busyLabel="Refreshing…"
          onClick={() => void outputs.refetch()}
        >
          Refresh
        </Button>
      </div>

      <OutputFilters
        search={search}
        instances={instances.data?.instances}
        profiles={profiles.data}
        choicesError={instances.error ?? profiles.error}
        onChange={setFilters}
      />

      {hasNew ? (
        <div className="flex justify-center">
          <Button onClick={() => void outputs.refetch()} className="rounded-full shadow-md">
            New outputs: show them
          </Button>
        </div>
      ) : null}

      {selected.size > 0 ? (
        <section
          aria-label="Selected outputs"
          className="sticky top-2 z-10 flex flex-wrap items-center gap-3 rounded-lg border border-indigo-200 bg-indigo-50/95 px-4 py-2 text-sm shadow-sm backdrop-blur dark:border-indigo-900 dark:bg-indigo-950/90"
        >
          <span className="font-medium">
            {selected.size} selected
            {download ? ` · downloading ${download.done} of ${download.total}…` : ''}
          </span>
          <div className="ml-auto flex flex-wrap gap-2">
            <Button onClick={() => void downloadSelected()} busy={!!download} busyLabel="Downloading…">
              Download {selected.size === 1 ? 'file' : `${selected.size} files`}
            </Button>
            <Button variant="ghost" onClick={() => setSelected(new Set())} disabled={!!download}>
              Clear selection
            </Button>
          </div>
        </section>
      ) : null}
      {downloadError ? (
        <ErrorAlert error={downloadError}>
          The downloads stopped there: select the missing files and try again.
        </ErrorAlert>
      ) : null}

      {outputs.isError && !outputs.data ? (
        <ErrorAlert error={outputs.error}>
          <Button variant="secondary" onClick={() => void outputs.refetch()}>
            Try again
          </Button>
        </ErrorAlert>
      ) : null}

      {outputs.isPending ? <GridSkeleton /> : null}

      {firstPage && list.length === 0 ? (
        filtered ? (
          <EmptyState title="No outputs match">
            Nothing matches these filters. Try fewer words or a wider date range, or{' '}
            <button
              type="button"
              onClick={() =>
                setFilters({
                  q: undefined,
                  instance: undefined,
                  profile: undefined,
                  since: undefined,
                  until: undefined,
                })
              }
              className="rounded font-medium text-indigo-700 underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-400"
            >
              clear the filters
            </button>
            .
          </EmptyState>
        ) : (
          <EmptyState title="No outputs yet">
            Outputs appear here as your instances generate them: every image is synced to storage with its
            prompt. Next step:{' '}
            <Link to="/launch" className="font-medium text-indigo-700 underline dark:text-indigo-400">
              launch an instance
            </Link>{' '}
            and generate something.
          </EmptyState>
        )
      ) : null}

      {list.length > 0 ? (
        <section aria-label="Outputs" className="space-y-4">
          <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600 dark:text-slate-400">
            <p aria-live="polite">
              {list.length} output{list.length === 1 ? '' : 's'}
              {hasNextPage ? ' loaded, more below' : ''}
            </p>
            <Button
              variant="ghost"
              onClick={() =>
                setSelected((current) =>
                  current.size === list.length ? new Set() : new Set(list.map((o) => o.id)),
                )
              }
            >
              {selected.size === list.length ? 'Select none' : 'Select all loaded'}
            </Button>
          </div>
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 md:grid-cols-4 lg:grid-cols-5">
            {list.map((output) => (
              <OutputTile
                key={output.id}
                output={output}
                selected={selected.has(output.id)}
                onToggle={toggle}
                onOpen={open}
              />
            ))}
          </ul>
          <div ref={sentinel} className="flex flex-col items-center gap-3 py-4">
            {outputs.isFetchNextPageError ? (
              <ErrorAlert error={outputs.error} className="w-full">
                <Button variant="secondary" onClick={() => void fetchNextPage()}>
                  Try again
                </Button>
              </ErrorAlert>
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
        </section>
      ) : null}

      {view ? (
        <OutputDialog
          output={fromList ?? single.data ?? null}
          loading={single.isPending && !fromList}
          error={fromList ? null : single.error}
          onRetry={() => void single.refetch()}
          onClose={close}
          onPrevious={previous ? () => step(previous.id) : undefined}
          onNext={next ? () => step(next.id) : undefined}
        />
      ) : null}
    </>
  );
}

function GridSkeleton() {
  return (
    <div role="status" aria-label="Loading outputs">
      <ul aria-hidden="true" className="grid grid-cols-2 gap-3 sm:grid-cols-3 md:grid-cols-4 lg:grid-cols-5">
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
