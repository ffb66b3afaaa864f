import { type BudgetStatus, LaunchRequest, type OfferSummary } from '@podpilot/common';
import type { UseQueryResult } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useId, useState } from 'react';
import { ApiRequestError } from '../../api/client';
import { useLaunch } from '../../api/launch';
import { budgetImpact, formatUsd, launchBlocked } from '../../lib/budget-impact';
import { formatPrice } from '../../lib/format';
import { offerGpuLabel } from '../../lib/offers';
import { profileRef } from '../../lib/profiles';
import { Button } from '../Button';
import { ErrorAlert } from '../ErrorAlert';
import { Loading, QueryError } from '../profiles/QueryState';
import { selectClass } from '../profiles/VersionSelect';
import { TextField } from '../TextField';
import { BudgetImpactPanel } from './BudgetImpactPanel';

/** Name, disk and relaunch for the chosen profile and offer, the budget impact, and the Launch button. */
export function LaunchForm({
  profile,
  offer,
  budget,
}: {
  profile: { name: string; version: number | null } | null;
  offer: OfferSummary | null;
  budget: UseQueryResult<BudgetStatus>;
}) {
  const navigate = useNavigate();
  const launch = useLaunch();
  const [name, setName] = useState('');
  const [disk, setDisk] = useState('60');
  const [relaunch, setRelaunch] = useState(1);
  const relaunchId = useId();

  // The hub's own rules (LaunchRequest), said in the user's words.
  const nameError =
    name !== '' && !LaunchRequest.shape.name.safeParse(name).success
      ? 'Lowercase letters, digits and dashes, at most 63'
      : undefined;
  const diskGb = Number(disk);
  const diskError = !LaunchRequest.shape.diskGb.safeParse(diskGb).success
    ? 'A whole number of GB from 10 to 2000'
    : undefined;
  const diskHint =
    offer && offer.provider !== 'local' && offer.diskGb !== null
      ? `This offer has up to ${Math.round(offer.diskGb)} GB`
      : 'Room for the UI, models and outputs';
  const blocked = offer && budget.data ? launchBlocked(budgetImpact(budget.data, offer.pricePerHour)) : false;
  const missing = !profile ? 'Choose a profile above.' : !offer ? 'Choose an offer above.' : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!profile || !offer || nameError || diskError) return;
    launch
      .launch({
        profile: profileRef(profile.name, profile.version),
        provider: offer.provider,
        ...(offer.provider === 'local' ? {} : { offerId: offer.id }),
        ...(name ? { name } : {}),
        diskGb,
        relaunch,
      })
      .then((instance) => navigate({ to: '/instances/$id', params: { id: instance.id } }))
      .catch(() => {
        // Shown below from the mutation's state.
      });
  };

  const error = launch.error;
  const code = error instanceof ApiRequestError ? error.code : null;

  return (
    <form onSubmit={submit} noValidate className="grid gap-6 lg:grid-cols-[1fr_20rem]">
      <div className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField
            label="Name (optional)"
            placeholder={profile ? `${profile.name}-…` : 'generated'}
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={nameError}
            autoComplete="off"
          />
          <TextField
            label="Disk (GB)"
            inputMode="numeric"
            value={disk}
            onChange={(e) => setDisk(e.target.value)}
            error={diskError}
            hint={diskHint}
          />
          <div>
            <label
              htmlFor={relaunchId}
              className="block text-sm font-medium text-slate-800 dark:text-slate-200"
            >
              Relaunch attempts
            </label>
            <select
              id={relaunchId}
              className={selectClass}
              value={relaunch}
              onChange={(e) => setRelaunch(Number(e.target.value))}
            >
              {[0, 1, 2, 3, 4, 5].map((n) => (
                <option key={n} value={n}>
                  {n === 0 ? 'None' : n}
                </option>
              ))}
            </select>
            <p className="mt-1.5 text-sm text-slate-500 dark:text-slate-400">
              When a rental never starts, rent a similar offer (same GPU, ≤ 1.25× the price).
            </p>
          </div>
        </div>
      </div>

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
        {budget.isError ? (
          <QueryError error={budget.error} retry={() => void budget.refetch()} />
        ) : budget.isPending ? (
          <Loading what="the budget" />
        ) : offer && budget.data ? (
          <BudgetImpactPanel status={budget.data} pricePerHour={offer.pricePerHour} />
        ) : budget.data ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Spent in {budget.data.month}: {formatUsd(budget.data.monthSpentUsd)}
            {budget.data.budgets.monthlyCapUsd !== null
              ? ` of ${formatUsd(budget.data.budgets.monthlyCapUsd)}`
              : ' (no monthly cap)'}
            . Choose an offer to see what it adds.
          </p>
        ) : null}
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
        {launch.isError ? (
          <ErrorAlert error={error}>
            {code === 'budget_exceeded' ? (
              <p>
                See this month's spend and the budget on the{' '}
                <Link to="/costs" className="underline underline-offset-2">
                  Costs page
                </Link>
                .
              </p>
            ) : error instanceof ApiRequestError &&
              error.status === 409 &&
              error.message.includes('offerId') ? (
              <p>Choose another offer above.</p>
            ) : error instanceof ApiRequestError && error.status === 409 ? (
              <p>
                Provider keys are set in{' '}
                <Link to="/settings" className="underline underline-offset-2">
                  Settings
                </Link>
                .
              </p>
            ) : error instanceof ApiRequestError && (error.status === 0 || error.status >= 500) ? (
              <p>Launching again sends the same request: it never rents a second machine.</p>
            ) : null}
          </ErrorAlert>
        ) : null}
      </aside>
    </form>
  );
}
