import type { OutputSummary } from '@podpilot/common';
import { infiniteQueryOptions, type QueryClient, queryOptions } from '@tanstack/react-query';
import { isImage, type OutputsSearch, outputsQueryParams } from '../lib/outputs-search';
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
    refetchInterval: (query) =>
      (query.state.data?.pages ?? []).some((page) => page.outputs.some(awaitsThumbnail))
        ? THUMBNAIL_WAIT_POLL_MS
        : // The thumbnails' signed URLs last an hour: pages are fetched again before they run out.
          45 * 60_000,
  });
}

const THUMBNAIL_WAIT_POLL_MS = 3_000;

/**
 * An image synced moments ago whose thumbnail the hub is still making (it does so right after the upload):
 * the gallery asks again shortly rather than show its file type until the next refresh. An image that
 * never gets one (unreadable) stops the asking after two minutes.
 */
export const awaitsThumbnail = (output: OutputSummary, now = Date.now()): boolean =>
  !output.hasThumbnail &&
  isImage(output.contentType, output.path) &&
  now - Date.parse(output.createdAt) < 120_000;

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

/** Starts the browser's download of `url` (same origin, or a signed storage URL) as an attachment. */
function startDownload(url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

/** Downloads one output as its file, several as one zip the hub streams (one download, any number of files). */
export async function downloadOutputs(queryClient: QueryClient, ids: string[]): Promise<void> {
  if (ids.length === 1 && ids[0]) {
    startDownload((await queryClient.fetchQuery(outputUrlsQuery(ids[0]))).url);
    return;
  }
  startDownload((await apiCall(endpoints.outputs.zip, { body: { ids } })).url);
}

/** Moves outputs to the trash (restorable for a while); answers until when. */
export const deleteOutputs = (ids: string[]) => apiCall(endpoints.outputs.remove, { body: { ids } });

/** Takes outputs back out of the trash. */
export const restoreOutputs = (ids: string[]) => apiCall(endpoints.outputs.restore, { body: { ids } });
