import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { authStateQuery } from './api/auth';
import { isRetryable, setUnauthorizedHandler } from './api/client';
import { makeRouter } from './router';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: (failures, error) => failures < 2 && isRetryable(error) },
    mutations: { retry: false },
  },
});

const router = makeRouter(queryClient);

// The session expired or was revoked: forget the user and ask for the password again.
setUnauthorizedHandler(() => {
  queryClient.setQueryData(authStateQuery.queryKey, (state) => state && { ...state, user: null });
  if (router.state.location.pathname !== '/login') void router.navigate({ to: '/login', replace: true });
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
