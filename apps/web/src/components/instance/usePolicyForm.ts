import type { ActivityView } from '@podpilot/common';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiRequestError } from '../../api/client';
import { putIdlePolicy, resetIdlePolicy } from '../../api/instances';
import { idleOverrideBody, issueField } from '../../lib/live';

/** Fields of the form that show their own errors. */
const FIELDS = ['minutes', 'action', 'disabled'];

/** The instance's own idle policy: the form's fields, Save (checked here first) and Reset to the profile's. */
export function usePolicyForm(instanceId: string, policy: ActivityView['policy']) {
  const queryClient = useQueryClient();
  const [minutes, setMinutes] = useState(policy.source === 'override' ? String(policy.minutes) : '');
  const [action, setAction] = useState<'stop' | 'destroy'>(policy.action);
  const [disabled, setDisabled] = useState(policy.disabled);
  const [localError, setLocalError] = useState<string | undefined>();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['instance', instanceId] });
    void queryClient.invalidateQueries({ queryKey: ['instances'] });
  };
  const save = useMutation({
    mutationFn: (body: object) => putIdlePolicy(instanceId, body),
    onSettled: refresh,
  });
  const reset = useMutation({
    mutationFn: () => resetIdlePolicy(instanceId),
    onSuccess: () => setMinutes(''),
    onSettled: refresh,
  });
  const issues = save.error instanceof ApiRequestError ? save.error.issues : [];
  const fieldError = (field: string) => issues.find((i) => issueField(i.path) === field)?.message;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = idleOverrideBody({ minutes, action, disabled });
    if ('error' in parsed) {
      setLocalError(parsed.error);
      return;
    }
    setLocalError(undefined);
    save.mutate(parsed.body);
  };
  return {
    fields: { minutes, setMinutes, action, setAction, disabled, setDisabled },
    minutesError: localError ?? fieldError('minutes'),
    fieldError,
    onSubmit,
    save,
    reset,
    /** A refusal that no field shows. */
    formError: save.isError && (!issues.length || issues.some((i) => !FIELDS.includes(issueField(i.path)))),
  };
}
