import { AuthState, type LoginRequest, type SetupRequest } from '@podpilot/common';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { ApiRequestError, api } from './client';

export const authStateQuery = queryOptions({
  queryKey: ['auth', 'state'],
  queryFn: () => api('/api/auth/state', { schema: AuthState }),
  staleTime: 60_000,
});

/** Setup and login both answer the new `AuthState`: store it, then open the dashboard. */
function useSignIn<Body>(path: string) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: (body: Body) => api(path, { method: 'POST', body, schema: AuthState }),
    onSuccess: async (state) => {
      queryClient.setQueryData(authStateQuery.queryKey, state);
      await navigate({ to: '/' });
    },
  });
}

export const useSetup = () => useSignIn<SetupRequest>('/api/auth/setup');
export const useLogin = () => useSignIn<LoginRequest>('/api/auth/login');

export function useLogout() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: async () => {
      try {
        await api('/api/auth/logout', { method: 'POST' });
      } catch (error) {
        // 401: the session had already ended, which is what logging out wants anyway.
        if (!(error instanceof ApiRequestError && error.status === 401)) throw error;
      }
    },
    onSuccess: async () => {
      // Forget everything fetched for the owner; only the (now signed-out) auth state stays.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      queryClient.setQueryData(authStateQuery.queryKey, { setupRequired: false, user: null });
      await navigate({ to: '/login' });
    },
  });
}
