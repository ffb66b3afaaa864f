import { infiniteQueryOptions, type QueryClient, queryOptions } from '@tanstack/react-query';
import { type OutputsSearch, outputsQueryParams } from '../lib/outputs-search';
import { apiCall } from './client';
import { endpoints } from './endpoints';

/** Outputs per page: a few screens of thumbnails. */
export const OUTPUTS_PAGE_SIZE = 48;

type Filters = Omit<OutputsSearch, 'view'>;

export function outputsQuery(filters: Filters) {
  const { instance, profile, since, until, q } = filters;
  const key = { instance, profile, since, until, q };
  return infiniteQueryOptions({
    queryKey: ['outputs', 'list', key],
    queryFn: ({ pageParam }) =>
      apiCall(endpoints.outputs.list, { query: outputsQueryParams(key, pageParam, OUTPUTS_PAGE_SIZE) }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // The thumbnails' signed URLs last an hour: pages are fetched again before they run out.
    refetchInterval: 45 * 60_000,
  });
}

/**
 * The newest output under these filters, asked every 30 s while the page is visible: one tiny request
 * that tells the gallery when new outputs arrived, instead of reloading every page it holds.
 */
export function newestOutputQuery(filters: Filters) {
  const { instance, profile, since, until, q } = filters;
  const key = { instance, profile, since, until, q };
  return queryOptions({
    queryKey: ['outputs', 'newest', key],
    queryFn: async () =>
      (await apiCall(endpoints.outputs.list, { query: outputsQueryParams(key, null, 1) })).outputs[0]?.id ??
      null,
    refetchInterval: 30_000,
  });
}

export function outputQuery(id: string) {
  return queryOptions({
    queryKey: ['outputs', 'one', id],
    queryFn: () => apiCall(endpoints.outputs.get, { params: { id } }),
    staleTime: Number.POSITIVE_INFINITY, // an output never changes; a rewrite is a new version (new id)
  });
}

/** Presigned URLs last an hour: reuse them for 50 minutes, then ask again. */
export function outputUrlsQuery(id: string) {
  return queryOptions({
    queryKey: ['outputs', 'urls', id],
    queryFn: () => apiCall(endpoints.outputs.urls, { params: { id } }),
    staleTime: 50 * 60_000,
    gcTime: 50 * 60_000,
    refetchOnWindowFocus: false,
  });
}

/** The profile names for the gallery's filter. */
export const outputProfilesQuery = queryOptions({
  queryKey: ['outputs', 'profile-names'],
  queryFn: async () => (await apiCall(endpoints.profiles.list)).profiles.map((p) => p.name).sort(),
  staleTime: 60_000,
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Downloads outputs one after another: a presigned URL each (the hub names the file), opened through a
 * temporary link. The pause lets the browser start each download; most ask once to allow several.
 */
export async function downloadOutputs(
  queryClient: QueryClient,
  ids: string[],
  onProgress?: (done: number) => void,
): Promise<void> {
  for (const [index, id] of ids.entries()) {
    const { url } = await queryClient.fetchQuery(outputUrlsQuery(id));
    const link = document.createElement('a');
    link.href = url;
    link.download = '';
    link.rel = 'noopener';
    document.body.append(link);
    link.click();
    link.remove();
    onProgress?.(index + 1);
    if (index < ids.length - 1) await pause(600);
  }
}
