import { Link } from '@tanstack/react-router';
import { EmptyState } from '../shared/EmptyState';

/** The empty gallery: nothing under these filters (with a way to clear them), or nothing yet. */
export function NoOutputs({ filtered, onClearFilters }: { filtered: boolean; onClearFilters: () => void }) {
  if (filtered)
    return (
      <EmptyState title="No outputs match">
        Nothing matches these filters. Try fewer words or a wider date range, or{' '}
        <button
          type="button"
          onClick={onClearFilters}
          className="rounded font-medium text-indigo-700 underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-400"
        >
          clear the filters
        </button>
        .
      </EmptyState>
    );
  return (
    <EmptyState title="No outputs yet">
      Outputs appear here as your instances generate them: every image is synced to storage with its prompt.
      Next step:{' '}
      <Link to="/launch" className="font-medium text-indigo-700 underline dark:text-indigo-400">
        launch an instance
      </Link>{' '}
      and generate something.
    </EmptyState>
  );
}
