import { type ErrorComponentProps, isNotFound, useRouter } from '@tanstack/react-router';
import { usePageTitle } from '../../lib/usePageTitle';
import { Button } from '../Button';
import { ErrorAlert } from '../ErrorAlert';
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
      <ErrorAlert error={error}>
        <Button
          variant="secondary"
          onClick={() => {
            reset();
            void router.invalidate();
          }}
        >
          Try again
        </Button>
      </ErrorAlert>
    </div>
  );
}
