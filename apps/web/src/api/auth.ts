import type { AuthState, LoginRequest, SetupRequest } from '@podpilot/common';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { ApiRequestError, apiCall } from './client';
import { endpoints } from './endpoints';

export const authStateQuery = queryOptions({
  queryKey: ['auth', 'state'],
  queryFn: () => apiCall(endpoints.auth.state),
  staleTime: 60_000,
});

/** Setup and login both answer the new `AuthState`: store it, then open the dashboard. */
function useSignIn<Body>(signIn: (body: Body) => Promise<AuthState>) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: signIn,
    onSuccess: async (state) => {
      queryClient.setQueryData(authStateQuery.queryKey, state);
      await navigate({ to: '/' });
    },
  });
}

export const useSetup = () => useSignIn((body: SetupRequest) => apiCall(endpoints.auth.setup, { body }));
export const useLogin = () => useSignIn((body: LoginRequest) => apiCall(endpoints.auth.login, { body }));

export function useLogout() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: async () => {
      try {
        await apiCall(endpoints.auth.logout);
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
