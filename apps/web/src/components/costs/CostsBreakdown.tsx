import type { CostsResponse, InstanceCost } from '@podpilot/common';
import { Link } from '@tanstack/react-router';
import { formatPrice } from '../../lib/format';
import { Section } from '../shared/Section';
import { externalLink as link } from '../shared/styles';
import { DailySpendChart } from './DailySpendChart';
import { UsdTable } from './UsdTable';

/** The month's spend per day, per profile and per instance. */
export function CostsBreakdown({ data }: { data: CostsResponse }) {
  return (
    <>
      <Section title="Spend per day">
        <DailySpendChart month={data.month} days={data.byDay} />
      </Section>
      <div className="grid gap-8 lg:grid-cols-5">
        <div className="min-w-0 lg:col-span-2">
          <Section title="By profile">
            <ProfileSpend data={data} />
          </Section>
        </div>
        <div className="min-w-0 lg:col-span-3">
          <Section title="By instance">
            <InstanceSpend data={data} />
          </Section>
        </div>
      </div>
    </>
  );
}

function ProfileSpend({ data }: { data: CostsResponse }) {
  return (
    <UsdTable
      caption="Spend by profile"
      rows={data.byProfile}
      rowKey={(row) => row.profile ?? '\u0000none'}
      rowLabel={(row) => row.profile ?? ''}
      total={data.totalUsd}
      columns={[
        {
          label: 'Profile',
          render: (row) =>
            row.profile ? (
              <Link to="/profiles/$name" params={{ name: row.profile }} className={link}>
                {row.profile}
              </Link>
            ) : (
              <span className="text-slate-500 dark:text-slate-400">No profile</span>
            ),
        },
      ]}
    />
  );
}

function InstanceSpend({ data }: { data: CostsResponse }) {
  return (
    <UsdTable<InstanceCost>
      caption="Spend by instance"
      rows={data.byInstance}
      rowKey={(row) => row.instanceId}
      rowLabel={(row) => row.name}
      columns={[
        {
          label: 'Instance',
          render: (row) => (
            <Link to="/instances/$id" params={{ id: row.instanceId }} className={link}>
              {row.name}
            </Link>
          ),
        },
        { label: 'Provider', wide: true, render: (row) => row.provider },
        { label: 'Profile', wide: true, render: (row) => row.profile ?? '—' },
        { label: 'GPU hours', numeric: true, render: (row) => row.gpuHours.toFixed(1) },
        { label: 'Price', numeric: true, wide: true, render: (row) => <InstancePrice row={row} /> },
      ]}
    />
  );
}

function InstancePrice({ row }: { row: InstanceCost }) {
  if (!row.priceUnknown) return formatPrice(row.pricePerHour);
  return (
    <span title="Part of the period had no known price (counted as $0)">
      {formatPrice(row.pricePerHour)} <span aria-hidden="true">*</span>
      <span className="sr-only">(price partly unknown)</span>
    </span>
  );
}
