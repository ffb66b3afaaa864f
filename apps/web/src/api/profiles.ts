import { urlFor } from '@podpilot/common';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiRequestError, apiCall } from './client';
import { endpoints } from './endpoints';

const { profiles: api } = endpoints;
/** `?version=N`, or nothing for the latest. */
const versionQuery = (version: number | null) => ({ version: version ?? undefined });

export const profilesQuery = queryOptions({
  queryKey: ['profiles'],
  queryFn: () => apiCall(api.list),
});

/** One version in full (spec + canonical YAML); the latest when `version` is null. */
export const profileVersionQuery = (name: string, version: number | null) =>
  queryOptions({
    queryKey: ['profiles', name, 'version', version],
    queryFn: () => apiCall(api.get, { params: { name }, query: versionQuery(version) }),
    // A numbered version never changes; "latest" may.
    staleTime: version === null ? 0 : Number.POSITIVE_INFINITY,
    placeholderData: keepPreviousData,
  });

export const profileVersionsQuery = (name: string) =>
  queryOptions({
    queryKey: ['profiles', name, 'versions'],
    queryFn: () => apiCall(api.versions, { params: { name } }),
  });

export const profileDiffQuery = (name: string, from: number, to: number) =>
  queryOptions({
    queryKey: ['profiles', name, 'diff', from, to],
    queryFn: () => apiCall(api.diff, { params: { name }, query: { from, to } }),
    staleTime: Number.POSITIVE_INFINITY,
    placeholderData: keepPreviousData,
  });

/** The canonical YAML of one version as stored, for download links (`GET …/yaml`). */
export const profileYamlUrl = (name: string, version: number | null) =>
  urlFor(api.yaml, { params: { name }, query: versionQuery(version) });

/**
 * `PUT /api/profiles/:name` with `{ yaml }` (the hub also takes the YAML itself as the body). A new version
 * only when the content changed (`created`); 400 with one issue per problem (line and column) otherwise.
 */
export function useApplyProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ name, yaml }: { name: string; yaml: string }) =>
      apiCall(api.apply, { params: { name }, body: { yaml } }),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: ['profiles'], exact: true });
      await queryClient.invalidateQueries({ queryKey: ['profiles', result.name] });
    },
  });
}

export const isNotFound = (error: unknown): boolean =>
  error instanceof ApiRequestError && error.status === 404;
