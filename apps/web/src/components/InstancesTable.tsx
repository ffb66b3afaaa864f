import type { InstanceSummary } from '@podpilot/common';
import { formatPrice } from '../lib/format';
import { RelativeTime } from './RelativeTime';
import { StateBadge } from './StateBadge';
import { cell, Table } from './Table';

function gpu(instance: InstanceSummary): string {
  if (!instance.gpuName) return '—';
  return instance.gpuCount && instance.gpuCount > 1
    ? `${instance.gpuCount} × ${instance.gpuName}`
    : instance.gpuName;
}

export function InstancesTable({ instances }: { instances: InstanceSummary[] }) {
  return (
    <Table caption="Instances" head={['Name', 'State', 'Provider', 'GPU', 'Price', 'Since']}>
      {instances.map((instance) => (
        <tr key={instance.id}>
          <td className={`${cell} font-medium`}>{instance.name}</td>
          <td className={cell}>
            <StateBadge state={instance.state} />
            {instance.stateReason ? (
              <span className="ml-2 text-xs text-slate-500 dark:text-slate-400">{instance.stateReason}</span>
            ) : null}
          </td>
          <td className={cell}>{instance.provider}</td>
          <td className={cell}>{gpu(instance)}</td>
          <td className={`${cell} tabular-nums`}>{formatPrice(instance.pricePerHour)}</td>
          <td className={`${cell} text-slate-500 dark:text-slate-400`}>
            <RelativeTime iso={instance.stateChangedAt} />
          </td>
        </tr>
      ))}
    </Table>
  );
}
