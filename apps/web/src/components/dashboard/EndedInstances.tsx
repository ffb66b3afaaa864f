import type { LiveInstance } from '@podpilot/common';
import { Link } from '@tanstack/react-router';
import { formatGpuName, formatUsd } from '../../lib/live';
import { RelativeTime } from '../shared/RelativeTime';
import { StateBadge } from '../shared/StateBadge';
import { cell, Table } from '../shared/Table';

/** Destroyed and failed instances: what they cost, kept out of the way. */
export function EndedInstances({ instances }: { instances: LiveInstance[] }) {
  return (
    <details className="group rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <summary className="cursor-pointer rounded-lg px-4 py-3 text-sm font-medium select-none focus-visible:outline-2 focus-visible:outline-indigo-500">
        Ended instances ({instances.length}) · {formatUsd(instances.reduce((sum, i) => sum + i.costUsd, 0))}{' '}
        in total
      </summary>
      <div className="border-t border-slate-200 p-2 dark:border-slate-800">
        <Table caption="Ended instances" head={['Name', 'State', 'GPU', 'Cost', 'Ended']}>
          {instances.map((i) => (
            <tr key={i.id}>
              <td className={`${cell} font-medium`}>
                <Link
                  to="/instances/$id"
                  params={{ id: i.id }}
                  className="rounded-sm hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500"
                >
                  {i.name}
                </Link>
              </td>
              <td className={cell}>
                <StateBadge state={i.state} stopReason={i.stopReason} message={i.stateReason} />
                {i.stateReason ? (
                  <span className="ml-2 text-xs text-slate-500 dark:text-slate-400">{i.stateReason}</span>
                ) : null}
              </td>
              <td className={cell}>{formatGpuName(i)}</td>
              <td className={`${cell} tabular-nums`}>{formatUsd(i.costUsd)}</td>
              <td className={`${cell} text-slate-500 dark:text-slate-400`}>
                <RelativeTime iso={i.stateChangedAt} />
              </td>
            </tr>
          ))}
        </Table>
      </div>
    </details>
  );
}
