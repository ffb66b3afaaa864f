import type { Budgets } from '@podpilot/common';
import { type FormEvent, useState } from 'react';
import { ApiRequestError } from '../../api/client';
import { useSetBudgets } from '../../api/costs';
import { issuesByField, limitInput, parseLimit } from '../../lib/costs';

export type BudgetField = keyof Budgets;
export const BUDGET_FIELDS: BudgetField[] = ['monthlyCapUsd', 'maxHoursPerInstance', 'maxPricePerHour'];

const toInputs = (budgets: Budgets): Record<BudgetField, string> => ({
  monthlyCapUsd: limitInput(budgets.monthlyCapUsd),
  maxHoursPerInstance: limitInput(budgets.maxHoursPerInstance),
  maxPricePerHour: limitInput(budgets.maxPricePerHour),
});

/**
 * The limits form: the values as typed, each field's problem (checked here, then the hub's issues placed
 * next to their fields), what is left for the alert, and submit.
 */
export function useBudgetForm(budgets: Budgets) {
  const [inputs, setInputs] = useState(() => toInputs(budgets));
  const [errors, setErrors] = useState<Partial<Record<BudgetField, string>>>({});
  const [saved, setSaved] = useState(false);
  const save = useSetBudgets();

  const serverIssues =
    save.error instanceof ApiRequestError ? issuesByField(save.error.issues, BUDGET_FIELDS) : null;
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
    const nextErrors: Partial<Record<BudgetField, string>> = {};
    for (const field of BUDGET_FIELDS) {
      const parsed = parseLimit(inputs[field]);
      if ('error' in parsed) nextErrors[field] = parsed.error;
      else body[field] = parsed.value;
    }
    setErrors(nextErrors);
    if (Object.keys(nextErrors).length > 0) {
      const first = BUDGET_FIELDS.find((f) => nextErrors[f]);
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

  const change = (field: BudgetField, value: string) => {
    setInputs((old) => ({ ...old, [field]: value }));
    setErrors((old) => ({ ...old, [field]: undefined }));
    setSaved(false);
    if (save.isError) save.reset();
  };

  return { inputs, fieldErrors, alertError, saved, saving: save.isPending, submit, change };
}
