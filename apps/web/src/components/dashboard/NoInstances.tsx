import { Link } from '@tanstack/react-router';
import { EmptyState } from '../shared/EmptyState';

const textLink =
  'font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-500 dark:text-indigo-400 ' +
  'rounded-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500';

/** The dashboard with no instance at all (first run: where to start), or none still running. */
export function NoInstances({ ever }: { ever: boolean }) {
  if (ever)
    return (
      <EmptyState title="Nothing running">
        Every instance has ended.{' '}
        <Link to="/launch" className={textLink}>
          Launch one
        </Link>{' '}
        when you need a GPU again.
      </EmptyState>
    );
  return (
    <EmptyState title="No instances yet">
      Next step:{' '}
      <Link to="/profiles" className={textLink}>
        apply a profile
      </Link>{' '}
      (the WebUI, extensions and models you want), then{' '}
      <Link to="/launch" className={textLink}>
        launch
      </Link>{' '}
      it on a GPU. Instances appear here as they start, with their cost and activity.
    </EmptyState>
  );
}
