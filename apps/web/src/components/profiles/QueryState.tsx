import { Button } from '../Button';
import { ErrorAlert } from '../ErrorAlert';

/** "Loading …" for screen readers and eyes alike. */
export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
      Loading {what}…
    </p>
  );
}

/** A failed query with a way to ask again. */
export function QueryError({
  error,
  retry,
  children,
}: {
  error: unknown;
  retry: () => void;
  children?: React.ReactNode;
}) {
  return (
    <ErrorAlert error={error}>
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" onClick={retry}>
          Try again
        </Button>
        {children}
      </div>
    </ErrorAlert>
  );
}

export const linkClass =
  'font-medium text-indigo-600 underline-offset-2 hover:underline focus-visible:rounded focus-visible:outline-2 ' +
  'focus-visible:outline-indigo-500 dark:text-indigo-400';

/** A Link or anchor that looks like a button (primary or secondary). */
export const buttonLink = (variant: 'primary' | 'secondary' = 'secondary') =>
  'inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-medium transition-colors ' +
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 ' +
  (variant === 'primary'
    ? 'bg-indigo-600 text-white shadow-sm hover:bg-indigo-500 dark:bg-indigo-500 dark:hover:bg-indigo-400'
    : 'bg-white text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50 ' +
      'dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700 dark:hover:bg-slate-700');
