import {
  createRootRouteWithContext,
  type ErrorComponentProps,
  Outlet,
  useRouter,
} from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { Button } from '../components/shared/Button';
import { ErrorAlert } from '../components/shared/ErrorAlert';
import { Brand } from '../components/shell/Brand';
import { NotFoundPanel } from '../components/shell/NotFoundPanel';
import { usePageTitle } from '../hooks/usePageTitle';
import type { RouterContext } from '../router';

export const Route = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  errorComponent: RootError,
  notFoundComponent: NotFound,
  pendingComponent: Pending,
});

function Centered({ children }: { children: ReactNode }) {
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-6 px-4 py-12">
      <Brand className="text-lg" />
      {children}
    </main>
  );
}

/** Shown when a page cannot load at all, e.g. the hub does not answer. */
function RootError({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  usePageTitle('Something went wrong');
  return (
    <Centered>
      <h1 className="text-lg font-semibold">Something went wrong</h1>
      <ErrorAlert error={error} />
      <div className="flex flex-wrap items-center gap-3">
        <Button
          onClick={() => {
            reset();
            void router.invalidate();
          }}
        >
          Try again
        </Button>
        <a
          href="/"
          className="text-sm font-medium text-indigo-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:text-indigo-400"
        >
          Reload the app
        </a>
      </div>
    </Centered>
  );
}

function NotFound() {
  return (
    <Centered>
      <NotFoundPanel />
    </Centered>
  );
}

function Pending() {
  return (
    <Centered>
      <p role="status" className="text-center text-sm text-slate-500 dark:text-slate-400">
        Loading…
      </p>
    </Centered>
  );
}
