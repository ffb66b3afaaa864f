import type { ProfileDiffResponse } from '@podpilot/common';
import { diffLineKind } from '../../lib/profiles';
import { cell, Table } from '../shared/Table';

const changeTone = {
  added:
    'bg-emerald-50 text-emerald-700 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-900',
  removed: 'bg-red-50 text-red-700 ring-red-200 dark:bg-red-950 dark:text-red-300 dark:ring-red-900',
  changed: 'bg-sky-50 text-sky-700 ring-sky-200 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-900',
} as const;

const lineTone = {
  header: 'text-slate-500 dark:text-slate-400',
  hunk: 'bg-sky-50 text-sky-700 dark:bg-sky-950/50 dark:text-sky-300',
  added: 'bg-emerald-50 text-emerald-800 dark:bg-emerald-950/50 dark:text-emerald-200',
  removed: 'bg-red-50 text-red-800 dark:bg-red-950/50 dark:text-red-200',
  context: 'text-slate-700 dark:text-slate-300',
} as const;

/** The structured changes (section by section) of a diff. */
export function ProfileChanges({ diff }: { diff: ProfileDiffResponse }) {
  return (
    <Table
      caption={`Changes from version ${diff.from} to ${diff.to}`}
      head={['Section', 'Change', 'What', 'Details']}
    >
      {diff.changes.map((change, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the hub's order is stable.
        <tr key={index}>
          <td className={`${cell} font-medium`}>{change.section}</td>
          <td className={cell}>
            <span
              className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${changeTone[change.change]}`}
            >
              {change.change}
            </span>
          </td>
          <td className={`${cell} font-mono text-xs`}>{change.key}</td>
          <td className="min-w-64 px-4 py-3 text-slate-700 dark:text-slate-300">{change.summary}</td>
        </tr>
      ))}
    </Table>
  );
}

/** The unified diff of the two canonical YAMLs, added lines green and removed ones red. */
export function UnifiedDiff({ unified, label }: { unified: string; label: string }) {
  const lines = unified.replace(/\n$/, '').split('\n');
  return (
    // Browsers make a scrolling box keyboard-focusable themselves; the figure names it.
    <figure
      aria-label={label}
      className="max-h-[70vh] overflow-auto rounded-lg border border-slate-200 bg-white shadow-sm focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-slate-800 dark:bg-slate-950"
    >
      <pre className="w-max min-w-full py-2 font-mono text-[13px] leading-6">
        {lines.map((line, index) => {
          const kind = diffLineKind(line);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: a line is its position.
            <div key={index} className={`px-3 ${lineTone[kind]}`}>
              {kind === 'added' ? <span className="sr-only">added: </span> : null}
              {kind === 'removed' ? <span className="sr-only">removed: </span> : null}
              {line === '' ? ' ' : line}
            </div>
          );
        })}
      </pre>
    </figure>
  );
}
