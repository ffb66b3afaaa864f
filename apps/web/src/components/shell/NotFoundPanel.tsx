import { Link } from '@tanstack/react-router';
import { usePageTitle } from '../../hooks/usePageTitle';

const link =
  'inline-flex rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 ' +
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:bg-indigo-500 dark:hover:bg-indigo-400';

/** What an unknown address shows, inside the app's layout or on its own. */
export function NotFoundPanel() {
  usePageTitle('Page not found');
  return (
    <div className="space-y-4">
      <p className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">404</p>
      <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        There is nothing at this address. It may have been mistyped, or what it showed was deleted.
      </p>
      <Link to="/" className={link}>
        Go to the dashboard
      </Link>
    </div>
  );
}
