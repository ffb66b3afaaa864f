import type { Budgets } from '@podpilot/common';
import { Button } from '../shared/Button';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TextField } from '../shared/TextField';
import { BUDGET_FIELDS, type BudgetField, useBudgetForm } from './useBudgetForm';

const LABELS: Record<BudgetField, { label: string; hint: string; placeholder: string }> = {
  monthlyCapUsd: {
    label: 'Monthly cap ($)',
    hint: 'Warns at 80 %; at 100 % launches are refused and running instances stop.',
    placeholder: 'No cap',
  },
  maxHoursPerInstance: {
    label: 'Max GPU hours per instance',
    hint: 'An instance that reaches it is stopped.',
    placeholder: 'No limit',
  },
  maxPricePerHour: {
    label: 'Max price ($/h)',
    hint: 'Offers above it are refused before anything is rented.',
    placeholder: 'No limit',
  },
};

/** The owner's limits; an empty field means no limit. */
export function BudgetForm({ budgets }: { budgets: Budgets }) {
  const form = useBudgetForm(budgets);
  return (
    <form onSubmit={form.submit} noValidate className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-3">
        {BUDGET_FIELDS.map((field) => (
          <TextField
            key={field}
            name={field}
            label={LABELS[field].label}
            hint={LABELS[field].hint}
            placeholder={LABELS[field].placeholder}
            inputMode="decimal"
            autoComplete="off"
            value={form.inputs[field]}
            error={form.fieldErrors[field]}
            onChange={(e) => form.change(field, e.target.value)}
          />
        ))}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" busy={form.saving} busyLabel="Saving…">
          Save limits
        </Button>
        <p aria-live="polite" className="text-sm text-emerald-700 dark:text-emerald-400">
          {form.saved ? 'Limits saved.' : ''}
        </p>
      </div>
      <ErrorAlert error={form.alertError} />
    </form>
  );
}
