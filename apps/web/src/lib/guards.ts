import type { QueryClient } from '@tanstack/react-query';
import { redirect } from '@tanstack/react-router';
import { authStateQuery } from '../api/auth';

function authState(queryClient: QueryClient) {
  return queryClient.ensureQueryData({ ...authStateQuery, revalidateIfStale: true });
}

/** For pages of the signed-in owner: otherwise off to setup (first start) or login. */
export async function requireUser(queryClient: QueryClient) {
  const state = await authState(queryClient);
  if (state.setupRequired) throw redirect({ to: '/setup', replace: true });
  if (!state.user) throw redirect({ to: '/login', replace: true });
  return { user: state.user };
}

/** For the login page: setup comes first, and a signed-in owner has nothing to do there. */
export async function requireSignedOut(queryClient: QueryClient) {
  const state = await authState(queryClient);
  if (state.setupRequired) throw redirect({ to: '/setup', replace: true });
  if (state.user) throw redirect({ to: '/', replace: true });
}

/** For the setup page: once the owner exists, the setup link has no use. */
export async function requireSetupPending(queryClient: QueryClient) {
  const state = await authState(queryClient);
  if (!state.setupRequired) throw redirect({ to: state.user ? '/' : '/login', replace: true });
}
