import { createFileRoute, Outlet } from '@tanstack/react-router';
import { AppHeader } from '../components/AppHeader';
import { requireUser } from '../lib/guards';

/** The layout of every page that needs the signed-in owner: header, navigation, content. */
export const Route = createFileRoute('/_authed')({
  beforeLoad: ({ context }) => requireUser(context.queryClient),
  component: AuthedLayout,
});

function AuthedLayout() {
  const { user } = Route.useRouteContext();
  return (
    <div className="min-h-dvh">
      <AppHeader username={user.username} />
      <main className="mx-auto max-w-5xl space-y-8 px-4 py-8 sm:px-6">
        <Outlet />
      </main>
    </div>
  );
}
