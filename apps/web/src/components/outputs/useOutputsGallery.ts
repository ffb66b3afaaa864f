import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useCallback, useMemo } from 'react';
import { instancesQuery } from '../../api/instances';
import { newestOutputQuery, outputProfilesQuery, outputsQuery } from '../../api/outputs';
import { hasFilters, NO_OUTPUT_FILTERS, type OutputsSearch } from '../../lib/outputs-search';

/**
 * The outputs page's data: the pages of outputs under the filters in the address, the choices of the
 * filters, and whether newer outputs arrived (a light poll for the newest id; the list reloads on request).
 */
export function useOutputsGallery(search: OutputsSearch) {
  const navigate = useNavigate({ from: '/outputs' });
  const { view: _view, ...filters } = search;
  const outputs = useInfiniteQuery(outputsQuery(filters));
  const instances = useQuery({ ...instancesQuery, refetchInterval: false });
  const profiles = useQuery(outputProfilesQuery);
  const newest = useQuery({ ...newestOutputQuery(filters), enabled: !!outputs.data });
  const list = useMemo(() => outputs.data?.pages.flatMap((page) => page.outputs) ?? [], [outputs.data]);

  const setFilters = useCallback(
    (changes: Partial<OutputsSearch>) =>
      void navigate({ search: (prev) => ({ ...prev, ...changes }), replace: true }),
    [navigate],
  );
  const clearFilters = () => setFilters(NO_OUTPUT_FILTERS);

  const firstPage = outputs.data?.pages[0];
  const hasNew =
    !!newest.data && !!firstPage && newest.data !== (firstPage.outputs[0]?.id ?? null) && !outputs.isFetching;
  return {
    outputs,
    list,
    loadedFirstPage: !!firstPage,
    filtered: hasFilters(filters),
    hasNew,
    choices: { instances: instances.data?.instances, profiles: profiles.data },
    choicesError: instances.error ?? profiles.error,
    setFilters,
    clearFilters,
  };
}

export type OutputsGallery = ReturnType<typeof useOutputsGallery>;
