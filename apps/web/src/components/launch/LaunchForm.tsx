import type { BudgetStatus, OfferSummary } from '@podpilot/common';
import type { UseQueryResult } from '@tanstack/react-query';
import { useId } from 'react';
import { selectClass } from '../shared/styles';
import { TextField } from '../shared/TextField';
import { LaunchSummary } from './LaunchSummary';
import { type LaunchFields, type LaunchProfile, useLaunchForm } from './useLaunchForm';

/** Name, disk and relaunch for the chosen profile and offer, the budget impact, and the Launch button. */
export function LaunchForm({
  profile,
  offer,
  budget,
}: {
  profile: LaunchProfile | null;
  offer: OfferSummary | null;
  budget: UseQueryResult<BudgetStatus>;
}) {
  const form = useLaunchForm(profile, offer, budget.data);
  return (
    <form onSubmit={form.submit} noValidate className="grid gap-6 lg:grid-cols-[1fr_20rem]">
      <div className="space-y-4">
        <LaunchOptions fields={form.fields} profile={profile} />
      </div>
      <LaunchSummary
        profile={profile}
        offer={offer}
        budget={budget}
        launch={form.launch}
        blocked={form.blocked}
        missing={form.missing}
      />
    </form>
  );
}

function LaunchOptions({ fields: f, profile }: { fields: LaunchFields; profile: LaunchProfile | null }) {
  const relaunchId = useId();
  return (
    <div className="grid gap-4 sm:grid-cols-3">
      <TextField
        label="Name (optional)"
        placeholder={profile ? `${profile.name}-…` : 'generated'}
        value={f.name}
        onChange={(e) => f.setName(e.target.value)}
        error={f.nameError}
        autoComplete="off"
      />
      <TextField
        label="Disk (GB)"
        inputMode="numeric"
        value={f.disk}
        onChange={(e) => f.setDisk(e.target.value)}
        error={f.diskError}
        hint={f.diskHint}
      />
      <div>
        <label htmlFor={relaunchId} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
          Relaunch attempts
        </label>
        <select
          id={relaunchId}
          className={selectClass}
          value={f.relaunch}
          onChange={(e) => f.setRelaunch(Number(e.target.value))}
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
  );
}
