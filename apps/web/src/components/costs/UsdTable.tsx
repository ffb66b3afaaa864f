import { type ReactNode, useState } from 'react';
import { formatUsd, type SortDirection, sortByUsd } from '../../lib/costs';

export interface UsdColumn<T> {
  label: string;
  render: (row: T) => ReactNode;
  /** Right-aligned numbers. */
  numeric?: boolean;
  /** Left out on phones, where the name and the cost matter most (the table still scrolls for the rest). */
  wide?: boolean;
}

interface UsdTableProps<T extends { usd: number }> {
  caption: string;
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** Ties in dollars sort by this text. */
  rowLabel: (row: T) => string;
  columns: UsdColumn<T>[];
  /** Sum of all rows, for the share column; leave out to hide it. */
  total?: number;
}

const th =
  'px-4 py-2.5 text-xs font-semibold tracking-wide whitespace-nowrap text-slate-600 uppercase dark:text-slate-400';
const td = 'px-4 py-3 whitespace-nowrap';
const hideOnPhone = 'hidden sm:table-cell';

/** A table of costs whose dollar column sorts (most expensive first by default) with a real button. */
export function UsdTable<T extends { usd: number }>({
  caption,
  rows,
  rowKey,
  rowLabel,
  columns,
  total,
}: UsdTableProps<T>) {
  const [direction, setDirection] = useState<SortDirection>('desc');
  const sorted = sortByUsd(rows, direction, rowLabel);
  return (
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm dark:divide-slate-800">
        <caption className="sr-only">
          {caption}, sorted by cost, {direction === 'desc' ? 'highest first' : 'lowest first'}
        </caption>
        <thead className="bg-slate-50 dark:bg-slate-800/50">
          <tr>
            {columns.map((column) => (
              <th
                key={column.label}
                scope="col"
                className={`${th} ${column.numeric ? 'text-right' : ''} ${column.wide ? hideOnPhone : ''}`}
              >
                {column.label}
              </th>
            ))}
            {total !== undefined ? (
              <th scope="col" className={`${th} text-right`}>
                Share
              </th>
            ) : null}
            <CostHeader direction={direction} onSort={setDirection} />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {sorted.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) => (
                <td
                  key={column.label}
                  className={`${td} ${column.numeric ? 'text-right tabular-nums' : ''} ${column.wide ? hideOnPhone : ''}`}
                >
                  {column.render(row)}
                </td>
              ))}
              {total !== undefined ? (
                <td className={`${td} text-right text-slate-500 tabular-nums dark:text-slate-400`}>
                  {total > 0 ? `${Math.round((row.usd / total) * 100)} %` : '—'}
                </td>
              ) : null}
              <td className={`${td} text-right font-medium tabular-nums`}>{formatUsd(row.usd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The cost column's header: a button that flips the sort. */
function CostHeader({
  direction,
  onSort,
}: {
  direction: SortDirection;
  onSort: (next: SortDirection) => void;
}) {
  const next = direction === 'desc' ? 'asc' : 'desc';
  return (
    <th
      scope="col"
      className={`${th} text-right`}
      aria-sort={direction === 'desc' ? 'descending' : 'ascending'}
    >
      <button
        type="button"
        onClick={() => onSort(next)}
        className="inline-flex items-center gap-1 rounded uppercase hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:hover:text-white"
      >
        Cost
        <span className="sr-only">, activate to sort {next === 'desc' ? 'highest' : 'lowest'} first</span>
        <svg viewBox="0 0 12 12" className="size-3" aria-hidden="true" fill="currentColor">
          {direction === 'desc' ? <path d="M2 4h8L6 9z" /> : <path d="M2 8h8L6 3z" />}
        </svg>
      </button>
    </th>
  );
}
