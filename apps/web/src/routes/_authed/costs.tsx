import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { costsQuery } from '../../api/costs';
import { BudgetForm } from '../../components/costs/BudgetForm';
import { CostsBreakdown } from '../../components/costs/CostsBreakdown';
import { CostsOverview } from '../../components/costs/CostsOverview';
import { MonthPicker } from '../../components/costs/MonthPicker';
import { Card } from '../../components/shared/Card';
import { EmptyState } from '../../components/shared/EmptyState';
import { QueryState } from '../../components/shared/QueryState';
import { Section } from '../../components/shared/Section';
import { externalLink as link } from '../../components/shared/styles';
import { usePageTitle } from '../../hooks/usePageTitle';
import { currentMonth, formatMonth, isMonth } from '../../lib/costs';

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

function CostsPage() {
  usePageTitle('Costs');
  const search = Route.useSearch();
  const now = currentMonth();
  const month = search.month && search.month <= now ? search.month : now;
  const costs = useQuery({ ...costsQuery(month, month === now), placeholderData: keepPreviousData });
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

      <QueryState query={costs} what="costs">
        {(data) => (
          <>
            {stale ? (
              <p role="status" className="sr-only">
                Loading {formatMonth(month)}…
              </p>
            ) : null}
            <div
              className={`space-y-8 transition-opacity ${stale ? 'opacity-60' : ''}`}
              aria-busy={stale || undefined}
            >
              <CostsOverview data={data} month={month} live={month === now} />
              {data.totalUsd === 0 && data.byInstance.length === 0 ? (
                <NoSpend month={data.month} current={month === now} />
              ) : (
                <CostsBreakdown data={data} />
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
          </>
        )}
      </QueryState>
    </>
  );
}

function NoSpend({ month, current }: { month: string; current: boolean }) {
  return (
    <EmptyState title={`No spend in ${formatMonth(month)}`}>
      {current ? (
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
  );
}
