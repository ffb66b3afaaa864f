import { HealthResponse, ListSecretsResponse } from '@podpilot/common';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

/** Names of the stored provider credentials and when each was set; values never leave the hub. */
export const secretsQuery = queryOptions({
  queryKey: ['secrets'],
  queryFn: () => api('/api/secrets', { schema: ListSecretsResponse }),
});

export function usePutSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ name, value }: { name: string; value: string }) =>
      api(`/api/secrets/${encodeURIComponent(name)}`, { method: 'PUT', body: { value } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: secretsQuery.queryKey }),
  });
}

export function useDeleteSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api(`/api/secrets/${encodeURIComponent(name)}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: secretsQuery.queryKey }),
  });
}

/** `GET /health`: the hub's version and database engine (no auth). */
export const healthQuery = queryOptions({
  queryKey: ['health'],
  queryFn: () => api('/health', { schema: HealthResponse }),
  staleTime: 60_000,
});
