import type { CostsResponse, InstanceCost } from '@podpilot/common';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { costsQuery } from '../../api/costs';
import { Button } from '../../components/Button';
import { BudgetForm } from '../../components/costs/BudgetForm';
import { BudgetMeter } from '../../components/costs/BudgetMeter';
import { DailySpendChart } from '../../components/costs/DailySpendChart';
import { MonthPicker } from '../../components/costs/MonthPicker';
import { UsdTable } from '../../components/costs/UsdTable';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Section } from '../../components/Section';
import { currentMonth, formatMonth, formatUsd, isMonth } from '../../lib/costs';
import { formatPrice } from '../../lib/format';
import { usePageTitle } from '../../lib/usePageTitle';

interface CostsSearch {
  /** `YYYY-MM`, UTC; the current month when left out. */
  month?: string;
}

export const Route = createFileRoute('/_authed/costs')({
  validateSearch: (search: Record<string, unknown>): CostsSearch =>
    isMonth(search.month) ? { month: search.month } : {},
  loaderDeps: ({ search }) => ({ month: search.month }),
  loader: ({ context, deps }) => {
    const now = currentMonth();
    const month = deps.month ?? now;
    void context.queryClient.prefetchQuery(costsQuery(month, month === now));
  },
  component: CostsPage,
});

const link =
  'font-medium text-indigo-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:text-indigo-400';

function CostsPage() {
  usePageTitle('Costs');
  const search = Route.useSearch();
  const now = currentMonth();
  const month = search.month && search.month <= now ? search.month : now;
  const costs = useQuery({ ...costsQuery(month, month === now), placeholderData: keepPreviousData });
  const data = costs.data;
  // While another month loads, the last one stays on screen, dimmed.
  const stale = costs.isPlaceholderData;

  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Costs</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            What your GPU instances cost, by day, profile and instance, and the limits that keep it in check.
          </p>
        </div>
        <MonthPicker month={month} current={now} />
      </div>

      {costs.isError ? (
        <ErrorAlert error={costs.error}>
          <Button variant="secondary" onClick={() => void costs.refetch()}>
            Try again
          </Button>
        </ErrorAlert>
      ) : null}
      {costs.isPending ? (
        <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
          Loading costs…
        </p>
      ) : null}
      {stale ? (
        <p role="status" className="sr-only">
          Loading {formatMonth(month)}…
        </p>
      ) : null}

      {data ? (
        <div
          className={`space-y-8 transition-opacity ${stale ? 'opacity-60' : ''}`}
          aria-busy={stale || undefined}
        >
          <Overview data={data} month={month} live={month === now} />
          {data.totalUsd === 0 && data.byInstance.length === 0 ? (
            <EmptyState title={`No spend in ${formatMonth(data.month)}`}>
              {month === now ? (
                <>
                  Costs appear here as soon as an instance runs. Next step:{' '}
                  <Link to="/launch" className={link}>
                    launch an instance
                  </Link>
                  ; set a monthly cap below first if you want a safety net.
                </>
              ) : (
                <>Nothing ran this month. Pick another month above.</>
              )}
            </EmptyState>
          ) : (
            <Breakdown data={data} />
          )}
          <Section
            title="Limits"
            description="Leave a field empty for no limit. They apply to every instance, whatever its profile."
          >
            <Card>
              <BudgetForm budgets={data.budget.budgets} />
            </Card>
          </Section>
        </div>
      ) : null}
    </>
  );
}

function Card({ children, className = '' }: { children: ReactNode; className?: string }) {
  return (
    <div
      className={`rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-5 dark:border-slate-800 dark:bg-slate-900 ${className}`}
    >
      {children}
    </div>
  );
}

function Overview({ data, month, live }: { data: CostsResponse; month: string; live: boolean }) {
  const unknown = data.byInstance.filter((i) => i.priceUnknown).length;
  return (
    <div className="grid gap-4 md:grid-cols-3">
      <Card>
        <p className="text-sm text-slate-600 dark:text-slate-400">Total, {formatMonth(month)}</p>
        <p className="mt-1 text-3xl font-semibold tracking-tight tabular-nums">{formatUsd(data.totalUsd)}</p>
        <p className="mt-2 text-sm text-slate-500 dark:text-slate-400">
          {data.byInstance.length} instance{data.byInstance.length === 1 ? '' : 's'}
          {live ? ' · updates every minute' : ''}
        </p>
        {unknown > 0 ? (
          <p className="mt-2 text-sm text-amber-800 dark:text-amber-300">
            {unknown} instance{unknown === 1 ? ' had' : 's had'} periods without a known price, counted as $0.
          </p>
        ) : null}
      </Card>
      <Card className="md:col-span-2">
        <BudgetMeter budget={data.budget} />
      </Card>
    </div>
  );
}

function Breakdown({ data }: { data: CostsResponse }) {
  return (
    <>
      <Section title="Spend per day">
        <DailySpendChart month={data.month} days={data.byDay} />
      </Section>
      <div className="grid gap-8 lg:grid-cols-5">
        <div className="min-w-0 lg:col-span-2">
          <Section title="By profile">
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
          </Section>
        </div>
        <div className="min-w-0 lg:col-span-3">
          <Section title="By instance">
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
                {
                  label: 'Price',
                  numeric: true,
                  wide: true,
                  render: (row) =>
                    row.priceUnknown ? (
                      <span title="Part of the period had no known price (counted as $0)">
                        {formatPrice(row.pricePerHour)} <span aria-hidden="true">*</span>
                        <span className="sr-only">(price partly unknown)</span>
                      </span>
                    ) : (
                      formatPrice(row.pricePerHour)
                    ),
                },
              ]}
            />
          </Section>
        </div>
      </div>
    </>
  );
}
