import { createFileRoute } from '@tanstack/react-router';
import { NoOutputs } from '../../components/outputs/NoOutputs';
import { OutputDialog } from '../../components/outputs/OutputDialog';
import { OutputFilters } from '../../components/outputs/OutputFilters';
import { GridSkeleton, OutputGrid } from '../../components/outputs/OutputGrid';
import { SelectionBar } from '../../components/outputs/SelectionBar';
import { useOutputSelection } from '../../components/outputs/useOutputSelection';
import { useOutputsGallery } from '../../components/outputs/useOutputsGallery';
import { useOutputView } from '../../components/outputs/useOutputView';
import { Button } from '../../components/shared/Button';
import { QueryError } from '../../components/shared/QueryState';
import { usePageTitle } from '../../hooks/usePageTitle';
import { type OutputsSearch, parseOutputsSearch } from '../../lib/outputs-search';

export const Route = createFileRoute('/_authed/outputs')({
  validateSearch: (raw: Record<string, unknown>): OutputsSearch => parseOutputsSearch(raw),
  component: OutputsPage,
});

function OutputsPage() {
  usePageTitle('Outputs');
  const search = Route.useSearch();
  const gallery = useOutputsGallery(search);
  const { outputs, list } = gallery;
  const selection = useOutputSelection(list);
  const view = useOutputView(search.view, list);

  return (
    <>
      <OutputsHeader
        refreshing={outputs.isRefetching && !outputs.isFetchingNextPage}
        onRefresh={() => void outputs.refetch()}
      />

      <OutputFilters
        search={search}
        instances={gallery.choices.instances}
        profiles={gallery.choices.profiles}
        choicesError={gallery.choicesError}
        onChange={gallery.setFilters}
      />

      {gallery.hasNew ? (
        <div className="flex justify-center">
          <Button onClick={() => void outputs.refetch()} className="rounded-full shadow-md">
            New outputs: show them
          </Button>
        </div>
      ) : null}

      <SelectionBar selection={selection} />

      {/* Not the shared QueryState: a failed next page shows at the end of the grid, and a skeleton loads. */}
      {outputs.isError && !outputs.data ? (
        <QueryError error={outputs.error} retry={() => void outputs.refetch()} />
      ) : null}
      {outputs.isPending ? <GridSkeleton /> : null}

      {gallery.loadedFirstPage && list.length === 0 ? (
        <NoOutputs filtered={gallery.filtered} onClearFilters={gallery.clearFilters} />
      ) : null}

      {list.length > 0 ? (
        <OutputGrid
          list={list}
          outputs={outputs}
          selection={selection}
          filtered={gallery.filtered}
          onOpen={view.open}
        />
      ) : null}

      {search.view ? <OutputDialog {...view.dialog} /> : null}
    </>
  );
}

function OutputsHeader({ refreshing, onRefresh }: { refreshing: boolean; onRefresh: () => void }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-3">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Outputs</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Every file your instances generated, kept in storage after the instance is gone.
        </p>
      </div>
      <Button variant="secondary" busy={refreshing} busyLabel="Refreshing…" onClick={onRefresh}>
        Refresh
      </Button>
    </div>
  );
}
