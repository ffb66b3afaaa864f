import type { ReactNode } from 'react';

/** A column heading; `srOnly` ones (e.g. a column of buttons) are named for screen readers only. */
export type Column = string | { label: string; srOnly: true };

/** A bordered table that scrolls sideways on narrow screens instead of squeezing its columns. */
export function Table({ caption, head, children }: { caption: string; head: Column[]; children: ReactNode }) {
  return (
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm dark:divide-slate-800">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 dark:bg-slate-800/50">
          <tr>
            {head.map((column) => {
              const label = typeof column === 'string' ? column : column.label;
              return (
                <th
                  key={label}
                  scope="col"
                  className="px-4 py-2.5 text-xs font-semibold tracking-wide whitespace-nowrap text-slate-600 uppercase dark:text-slate-400"
                >
                  {typeof column === 'string' ? label : <span className="sr-only">{label}</span>}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">{children}</tbody>
      </table>
    </div>
  );
}

export const cell = 'px-4 py-3 whitespace-nowrap';
