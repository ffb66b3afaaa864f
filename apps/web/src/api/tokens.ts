import type { CreateApiTokenRequest } from '@podpilot/common';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiCall } from './client';
import { endpoints } from './endpoints';

export const tokensQuery = queryOptions({
  queryKey: ['tokens'],
  queryFn: () => apiCall(endpoints.tokens.list),
});

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApiTokenRequest) => apiCall(endpoints.tokens.create, { body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: tokensQuery.queryKey }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      await apiCall(endpoints.tokens.revoke, { params: { id } });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: tokensQuery.queryKey }),
  });
}
