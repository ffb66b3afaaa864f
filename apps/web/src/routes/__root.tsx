import {
  createRootRouteWithContext,
  type ErrorComponentProps,
  Link,
  Outlet,
  useRouter,
} from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { Button } from '../components/Button';
import { ErrorAlert } from '../components/ErrorAlert';
import type { RouterContext } from '../router';

export const Route = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  errorComponent: RootError,
  notFoundComponent: NotFound,
  pendingComponent: Pending,
});

function Centered({ children }: { children: ReactNode }) {
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-4 px-4">{children}</main>
  );
}

/** Shown when a page cannot load at all, e.g. the hub does not answer. */
function RootError({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  return (
    <Centered>
      <h1 className="text-lg font-semibold">Something went wrong</h1>
      <ErrorAlert error={error} />
      <div>
        <Button
          onClick={() => {
            reset();
            void router.invalidate();
          }}
        >
          Try again
        </Button>
      </div>
    </Centered>
  );
}

function NotFound() {
  return (
    <Centered>
      <h1 className="text-lg font-semibold">Page not found</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">There is nothing at this address.</p>
      <Link to="/" className="text-sm font-medium text-indigo-600 underline dark:text-indigo-400">
        Go to the dashboard
      </Link>
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
