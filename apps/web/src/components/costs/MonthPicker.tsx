import { Link } from '@tanstack/react-router';
import { addMonths, compareMonths, formatMonth } from '../../lib/costs';

const step =
  'inline-flex size-9 items-center justify-center rounded-md bg-white text-slate-700 shadow-sm ring-1 ring-slate-300 ring-inset ' +
  'hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 ' +
  'dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-700 dark:hover:bg-slate-700';

function Chevron({ left }: { left?: boolean }) {
  return (
    <svg
      viewBox="0 0 20 20"
      className="size-4"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden="true"
    >
      <path
        d={left ? 'M12.5 4.5 7 10l5.5 5.5' : 'M7.5 4.5 13 10l-5.5 5.5'}
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** Previous / next month (never past the current one), kept in the address so a month can be linked to. */
export function MonthPicker({ month, current }: { month: string; current: string }) {
  const previous = addMonths(month, -1);
  const next = addMonths(month, 1);
  const atCurrent = compareMonths(month, current) >= 0;
  return (
    <nav aria-label="Month" className="flex items-center gap-2">
      <Link
        to="/costs"
        search={{ month: previous }}
        className={step}
        aria-label={`Previous month, ${formatMonth(previous)}`}
      >
        <Chevron left />
      </Link>
      <p aria-live="polite" className="min-w-36 text-center text-sm font-semibold tabular-nums">
        {formatMonth(month)}
      </p>
      {atCurrent ? (
        <span
          aria-disabled="true"
          className={`${step} cursor-not-allowed opacity-50`}
          title="No later month yet"
        >
          <Chevron />
          <span className="sr-only">Next month (none yet)</span>
        </span>
      ) : (
        <Link
          to="/costs"
          search={{ month: next }}
          className={step}
          aria-label={`Next month, ${formatMonth(next)}`}
        >
          <Chevron />
        </Link>
      )}
      {month !== current ? (
        <Link
          to="/costs"
          search={{}}
          className="rounded-md px-2 py-1 text-sm font-medium text-indigo-600 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-400"
        >
          This month
        </Link>
      ) : null}
    </nav>
  );
}
