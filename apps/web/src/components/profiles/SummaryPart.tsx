import type { ReactNode } from 'react';

/** One card of the profile summary, with a count when it lists things. */
export function Part({ title, count, children }: { title: string; count?: number; children: ReactNode }) {
  return (
    <div className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h3 className="text-sm font-semibold">
        {title}
        {count !== undefined ? (
          <span className="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600 dark:bg-slate-800 dark:text-slate-300">
            {count}
          </span>
        ) : null}
      </h3>
      <div className="mt-2 text-sm text-slate-700 dark:text-slate-300">{children}</div>
    </div>
  );
}

export const none = <p className="text-slate-500 dark:text-slate-400">None</p>;
export const mono = 'font-mono text-xs break-all';
