import { type ErrorComponentProps, isNotFound, useRouter } from '@tanstack/react-router';
import { usePageTitle } from '../../hooks/usePageTitle';
import { QueryError } from '../shared/QueryState';
import { NotFoundPanel } from './NotFoundPanel';

/** A page that failed to load or render: the error and a retry, with the header and navigation still there. */
export function RouteError(props: ErrorComponentProps) {
  return isNotFound(props.error) ? <NotFoundPanel /> : <Failed {...props} />;
}

function Failed({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  usePageTitle('Something went wrong');
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <QueryError
        error={error}
        retry={() => {
          reset();
          void router.invalidate();
        }}
      />
    </div>
  );
}
