import { CatchBoundary, createFileRoute, Outlet, useRouterState } from '@tanstack/react-router';
import type { MouseEvent } from 'react';
import { AppHeader } from '../components/shell/AppHeader';
import { BrowserNotices } from '../components/shell/BrowserNotices';
import { NotFoundPanel } from '../components/shell/NotFoundPanel';
import { RouteError } from '../components/shell/RouteError';
import { requireUser } from '../lib/guards';

/** The layout of every page that needs the signed-in owner: skip link, header, navigation, content. */
export const Route = createFileRoute('/_authed')({
  beforeLoad: ({ context }) => requireUser(context.queryClient),
  component: AuthedLayout,
  // A page that throws `notFound()` (e.g. a deleted profile) keeps the header and navigation.
  notFoundComponent: NotFoundPanel,
});

/** Moves focus to the content without touching the address (the router owns the URL, hash included). */
function skipToContent(event: MouseEvent<HTMLAnchorElement>) {
  const main = document.getElementById('main');
  if (!main) return;
  event.preventDefault();
  main.focus();
  main.scrollIntoView();
}

function AuthedLayout() {
  const { user } = Route.useRouteContext();
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  return (
    <div className="min-h-dvh">
      {/* biome-ignore lint/a11y/useValidAnchor: a real in-page link; the click handler only keeps the hash out of the router's URL */}
      <a
        href="#main"
        onClick={skipToContent}
        className={
          'sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white ' +
          'focus:px-4 focus:py-2 focus:text-sm focus:font-medium focus:text-indigo-700 focus:shadow-lg focus:outline-2 ' +
          'focus:outline-indigo-500 dark:focus:bg-slate-900 dark:focus:text-indigo-300'
        }
      >
        Skip to content
      </a>
      <BrowserNotices />
      <AppHeader username={user.username} />
      <main
        id="main"
        tabIndex={-1}
        className="mx-auto max-w-7xl scroll-mt-4 space-y-8 px-4 py-8 focus:outline-none sm:px-6"
      >
        {/* A page that fails keeps the header: the rest of the app stays one click away. A new address resets it. */}
        <CatchBoundary getResetKey={() => pathname} errorComponent={RouteError}>
          <Outlet />
        </CatchBoundary>
      </main>
    </div>
  );
}
