import type { Budgets } from '@podpilot/common';
import { type FormEvent, useState } from 'react';
import { ApiRequestError } from '../../api/client';
import { useSetBudgets } from '../../api/costs';
import { issuesByField, limitInput, parseLimit } from '../../lib/costs';
import { Button } from '../Button';
import { ErrorAlert } from '../ErrorAlert';
import { TextField } from '../TextField';

type Field = keyof Budgets;
const FIELDS: Field[] = ['monthlyCapUsd', 'maxHoursPerInstance', 'maxPricePerHour'];

const LABELS: Record<Field, { label: string; hint: string; placeholder: string }> = {
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

const toInputs = (budgets: Budgets): Record<Field, string> => ({
  monthlyCapUsd: limitInput(budgets.monthlyCapUsd),
  maxHoursPerInstance: limitInput(budgets.maxHoursPerInstance),
  maxPricePerHour: limitInput(budgets.maxPricePerHour),
});

/** The owner's limits; an empty field means no limit. */
export function BudgetForm({ budgets }: { budgets: Budgets }) {
  const [inputs, setInputs] = useState(() => toInputs(budgets));
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [saved, setSaved] = useState(false);
  const save = useSetBudgets();

  const serverIssues =
    save.error instanceof ApiRequestError ? issuesByField(save.error.issues, FIELDS) : null;
  const fieldErrors = { ...serverIssues?.fields, ...errors };
  // Issues we could place next to a field are not repeated in the alert.
  const alertError =
    save.error instanceof ApiRequestError && serverIssues && save.error.issues.length > 0
      ? serverIssues.other.length > 0
        ? new ApiRequestError({
            status: save.error.status,
            code: save.error.code,
            message: save.error.message,
            issues: serverIssues.other.map((message) => ({ path: '', message })),
          })
        : null
      : save.error;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const body: Partial<Budgets> = {};
    const nextErrors: Partial<Record<Field, string>> = {};
    for (const field of FIELDS) {
      const parsed = parseLimit(inputs[field]);
      if ('error' in parsed) nextErrors[field] = parsed.error;
      else body[field] = parsed.value;
    }
    setErrors(nextErrors);
    if (Object.keys(nextErrors).length > 0) {
      const first = FIELDS.find((f) => nextErrors[f]);
      if (first) event.currentTarget.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
      return;
    }
    save.mutate(body as Budgets, {
      onSuccess: (status) => {
        setInputs(toInputs(status.budgets));
        setSaved(true);
      },
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-3">
        {FIELDS.map((field) => (
          <TextField
            key={field}
            name={field}
            label={LABELS[field].label}
            hint={LABELS[field].hint}
            placeholder={LABELS[field].placeholder}
            inputMode="decimal"
            autoComplete="off"
            value={inputs[field]}
            error={fieldErrors[field]}
            onChange={(e) => {
              const value = e.target.value;
              setInputs((old) => ({ ...old, [field]: value }));
              setErrors((old) => ({ ...old, [field]: undefined }));
              setSaved(false);
              if (save.isError) save.reset();
            }}
          />
        ))}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" busy={save.isPending} busyLabel="Saving…">
          Save limits
        </Button>
        <p aria-live="polite" className="text-sm text-emerald-700 dark:text-emerald-400">
          {saved ? 'Limits saved.' : ''}
        </p>
      </div>
      <ErrorAlert error={alertError} />
    </form>
  );
}
