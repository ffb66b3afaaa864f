import type { BudgetStatus, OfferSummary } from '@podpilot/common';
import type { UseQueryResult } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { ApiRequestError } from '../../api/client';
import { formatUsd } from '../../lib/budget-impact';
import { formatPrice } from '../../lib/format';
import { offerGpuLabel } from '../../lib/offers';
import { profileRef } from '../../lib/profiles';
import { Button } from '../shared/Button';
import { ErrorAlert } from '../shared/ErrorAlert';
import { Loading, QueryError } from '../shared/QueryState';
import { BudgetImpactPanel } from './BudgetImpactPanel';
import type { LaunchProfile } from './useLaunchForm';

interface LaunchSummaryProps {
  profile: LaunchProfile | null;
  offer: OfferSummary | null;
  budget: UseQueryResult<BudgetStatus>;
  /** The launch request's state. */
  launch: { isPending: boolean; isError: boolean; error: unknown };
  /** The budget would refuse this launch. */
  blocked: boolean;
  /** What to choose before launching, or null. */
  missing: string | null;
}

/** The launch form's side panel: what launches where, its budget impact, Launch, and why it failed. */
export function LaunchSummary({ profile, offer, budget, launch, blocked, missing }: LaunchSummaryProps) {
  return (
    <aside
      aria-label="Launch summary"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="text-sm">
        <p className="font-medium">
          {profile ? profileRef(profile.name, profile.version) : 'No profile chosen'}
        </p>
        <p className="text-slate-600 dark:text-slate-400">
          {offer ? `${offerGpuLabel(offer)} · ${offer.provider}` : 'No offer chosen'}
        </p>
        {offer ? (
          <p className="mt-1 text-xl font-semibold tabular-nums">{formatPrice(offer.pricePerHour)}</p>
        ) : null}
      </div>
      <BudgetSummary budget={budget} offer={offer} />
      <Button
        type="submit"
        className="w-full"
        busy={launch.isPending}
        busyLabel="Launching…"
        disabled={missing !== null}
      >
        Launch
      </Button>
      {missing ? <p className="text-sm text-slate-500 dark:text-slate-400">{missing}</p> : null}
      {blocked && !launch.isError ? (
        <p className="text-xs text-slate-500 dark:text-slate-400">
          The hub will refuse this launch; see above.
        </p>
      ) : null}
      {launch.isError ? <ErrorAlert error={launch.error}>{launchErrorHelp(launch.error)}</ErrorAlert> : null}
    </aside>
  );
}

/** What the offer adds to this month's spend, or the spend so far while no offer is chosen. */
function BudgetSummary({
  budget,
  offer,
}: {
  budget: UseQueryResult<BudgetStatus>;
  offer: OfferSummary | null;
}) {
  if (budget.isError) return <QueryError error={budget.error} retry={() => void budget.refetch()} />;
  if (budget.isPending) return <Loading what="the budget" />;
  if (offer) return <BudgetImpactPanel status={budget.data} pricePerHour={offer.pricePerHour} />;
  return (
    <p className="text-sm text-slate-600 dark:text-slate-400">
      Spent in {budget.data.month}: {formatUsd(budget.data.monthSpentUsd)}
      {budget.data.budgets.monthlyCapUsd !== null
        ? ` of ${formatUsd(budget.data.budgets.monthlyCapUsd)}`
        : ' (no monthly cap)'}
      . Choose an offer to see what it adds.
    </p>
  );
}

/** The next step after a refused launch, by the hub's answer (null: the message says it all). */
function launchErrorHelp(error: unknown): ReactNode {
  if (!(error instanceof ApiRequestError)) return null;
  if (error.code === 'budget_exceeded')
    return (
      <p>
        See this month's spend and the budget on the{' '}
        <Link to="/costs" className="underline underline-offset-2">
          Costs page
        </Link>
        .
      </p>
    );
  if (error.status === 409 && error.message.includes('offerId')) return <p>Choose another offer above.</p>;
  if (error.status === 409)
    return (
      <p>
        Provider keys are set in{' '}
        <Link to="/settings" className="underline underline-offset-2">
          Settings
        </Link>
        .
      </p>
    );
  if (error.status === 0 || error.status >= 500)
    return <p>Launching again sends the same request: it never rents a second machine.</p>;
  return null;
}
