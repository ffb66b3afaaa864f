import type { CostsResponse } from '@podpilot/common';
import { formatMonth, formatUsd } from '../../lib/costs';
import { Card } from '../shared/Card';
import { BudgetMeter } from './BudgetMeter';

/** The month's total, how many instances ran, and the budget meter. */
export function CostsOverview({ data, month, live }: { data: CostsResponse; month: string; live: boolean }) {
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
