import {
  ApplyProfileResponse,
  ListProfilesResponse,
  ListProfileVersionsResponse,
  ProfileDiffResponse,
  ProfileVersionDetail,
} from '@podpilot/common';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiRequestError, api } from './client';

const base = (name: string) => `/api/profiles/${encodeURIComponent(name)}`;
const versionParam = (version: number | null) => (version === null ? '' : `?version=${version}`);

export const profilesQuery = queryOptions({
  queryKey: ['profiles'],
  queryFn: () => api('/api/profiles', { schema: ListProfilesResponse }),
});

/** One version in full (spec + canonical YAML); the latest when `version` is null. */
export const profileVersionQuery = (name: string, version: number | null) =>
  queryOptions({
    queryKey: ['profiles', name, 'version', version],
    queryFn: () => api(`${base(name)}${versionParam(version)}`, { schema: ProfileVersionDetail }),
    // A numbered version never changes; "latest" may.
    staleTime: version === null ? 0 : Number.POSITIVE_INFINITY,
    placeholderData: keepPreviousData,
  });

export const profileVersionsQuery = (name: string) =>
  queryOptions({
    queryKey: ['profiles', name, 'versions'],
    queryFn: () => api(`${base(name)}/versions`, { schema: ListProfileVersionsResponse }),
  });

export const profileDiffQuery = (name: string, from: number, to: number) =>
  queryOptions({
    queryKey: ['profiles', name, 'diff', from, to],
    queryFn: () => api(`${base(name)}/diff?from=${from}&to=${to}`, { schema: ProfileDiffResponse }),
    staleTime: Number.POSITIVE_INFINITY,
    placeholderData: keepPreviousData,
  });

/** The canonical YAML of one version as stored, for download links (`GET …/yaml`). */
export const profileYamlUrl = (name: string, version: number | null) =>
  `${base(name)}/yaml${versionParam(version)}`;

/**
 * `PUT /api/profiles/:name` with `{ yaml }` (the hub also takes the YAML itself as the body). A new version
 * only when the content changed (`created`); 400 with one issue per problem (line and column) otherwise.
 */
export function useApplyProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ name, yaml }: { name: string; yaml: string }) =>
      api(base(name), { method: 'PUT', body: { yaml }, schema: ApplyProfileResponse }),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: ['profiles'], exact: true });
      await queryClient.invalidateQueries({ queryKey: ['profiles', result.name] });
    },
  });
}

export const isNotFound = (error: unknown): boolean =>
  error instanceof ApiRequestError && error.status === 404;
