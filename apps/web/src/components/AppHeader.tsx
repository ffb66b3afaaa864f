import { Link } from '@tanstack/react-router';
import { useLogout } from '../api/auth';
import { Brand } from './Brand';
import { Button } from './Button';
import { errorMessage } from './ErrorAlert';

const navLink =
  'rounded-md px-3 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 ' +
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 ' +
  'dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white';
const navLinkActive = 'bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-white';

export function AppHeader({ username }: { username: string }) {
  const logout = useLogout();
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link to="/" className="rounded-md focus-visible:outline-2 focus-visible:outline-indigo-500">
          <Brand className="text-lg" />
        </Link>
        <nav aria-label="Main" className="order-last flex w-full gap-1 sm:order-none sm:w-auto">
          <Link
            to="/"
            className={navLink}
            activeProps={{ className: navLinkActive }}
            activeOptions={{ exact: true }}
          >
            Dashboard
          </Link>
          <Link to="/settings" className={navLink} activeProps={{ className: navLinkActive }}>
            Settings
          </Link>
        </nav>
        <div className="ml-auto flex items-center gap-3">
          <span className="hidden text-sm text-slate-500 sm:inline dark:text-slate-400">{username}</span>
          <Button
            variant="secondary"
            busy={logout.isPending}
            busyLabel="Logging out…"
            onClick={() => logout.mutate()}
          >
            Log out
          </Button>
        </div>
      </div>
      {logout.isError ? (
        <p
          role="alert"
          className="mx-auto max-w-5xl px-4 pb-3 text-sm text-red-600 sm:px-6 dark:text-red-400"
        >
          Could not log out: {errorMessage(logout.error)}
        </p>
      ) : null}
    </header>
  );
}
