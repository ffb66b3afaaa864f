import type { ParamsOf } from '@podpilot/common';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiCall } from './client';
import { endpoints } from './endpoints';

/** A credential's name as the hub checks it (the forms hold plain strings). */
type SecretName = ParamsOf<typeof endpoints.secrets.put>['name'];

/** Names of the stored provider credentials and when each was set; values never leave the hub. */
export const secretsQuery = queryOptions({
  queryKey: ['secrets'],
  queryFn: () => apiCall(endpoints.secrets.list),
});

export function usePutSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ name, value }: { name: string; value: string }) => {
      await apiCall(endpoints.secrets.put, { params: { name: name as SecretName }, body: { value } });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: secretsQuery.queryKey }),
  });
}

export function useDeleteSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) => {
      await apiCall(endpoints.secrets.remove, { params: { name: name as SecretName } });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: secretsQuery.queryKey }),
  });
}

/** `GET /health`: the hub's version and database engine (no auth). */
export const healthQuery = queryOptions({
  queryKey: ['health'],
  queryFn: () => apiCall(endpoints.health.get),
  staleTime: 60_000,
});
