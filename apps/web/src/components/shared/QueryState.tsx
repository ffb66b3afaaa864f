import type { ReactNode } from 'react';
import { Button } from './Button';
import { ErrorAlert } from './ErrorAlert';

/** "Loading …" for screen readers and eyes alike. */
export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
      Loading {what}…
    </p>
  );
}

/** A failed query with a way to ask again, and `children` beside the button (e.g. a way back). */
export function QueryError({
  error,
  retry,
  children,
  className,
}: {
  error: unknown;
  retry: () => void;
  children?: ReactNode;
  className?: string;
}) {
  return (
    <ErrorAlert error={error} className={className}>
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" onClick={retry}>
          Try again
        </Button>
        {children}
      </div>
    </ErrorAlert>
  );
}

/** What `QueryState` reads of a TanStack query (plain or infinite). */
export interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

interface QueryStateProps<T> {
  query: QueryLike<T>;
  /** Completes "Loading …": `profiles`, `the instance`. */
  what: string;
  /** What the query's data shows, once there is some (kept on screen under a failed refetch). */
  children?: (data: T) => ReactNode;
  /** Beside "Try again" when the query failed. */
  errorActions?: ReactNode;
}

/**
 * The one loading/error block of the app: "Loading …" while the query has nothing yet, the error with
 * "Try again" when it failed, then `children` with the data.
 */
export function QueryState<T>({ query, what, children, errorActions }: QueryStateProps<T>) {
  return (
    <>
      {query.isError ? (
        <QueryError error={query.error} retry={() => void query.refetch()}>
          {errorActions}
        </QueryError>
      ) : null}
      {query.isPending ? <Loading what={what} /> : null}
      {query.data !== undefined && children ? children(query.data) : null}
    </>
  );
}
