import type { ApplyProfileResponse } from '@podpilot/common';
import { Link } from '@tanstack/react-router';

/** The hub's answer to Save: the version made (or why none was), its warnings, and where to go next. */
export function SaveResult({ result }: { result: ApplyProfileResponse }) {
  return (
    <div
      role="status"
      className="rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900 dark:border-emerald-900/60 dark:bg-emerald-950/40 dark:text-emerald-200"
    >
      <p className="font-medium">
        {result.created
          ? `Saved: ${result.name} version ${result.version}.`
          : `Unchanged: the content is the same as ${result.name} version ${result.version}, so no new version was made.`}
      </p>
      {result.warnings.length > 0 ? (
        <ul className="mt-1 list-disc pl-5 text-amber-800 dark:text-amber-300">
          {result.warnings.map((warning) => (
            <li key={`${warning.path}:${warning.message}`}>
              {warning.path}: {warning.message}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
        <Link
          to="/profiles/$name"
          params={{ name: result.name }}
          search={{ version: result.version }}
          className="font-medium underline underline-offset-2"
        >
          View version {result.version}
        </Link>
        <Link
          to="/launch"
          search={{ profile: `${result.name}@${result.version}` }}
          className="font-medium underline underline-offset-2"
        >
          Launch it
        </Link>
      </p>
    </div>
  );
}
