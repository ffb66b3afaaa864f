import { AddModelRequest, type ModelSummary } from '@podpilot/common';
import { type FormEvent, useState } from 'react';
import { ApiRequestError } from '../../api/client';
import { useAddModel } from '../../api/models';
import { fieldErrors, fieldOfMessage } from '../../lib/field-errors';
import { addModelBody } from '../../lib/models';

const FIELDS = ['url', 'name', 'kind', 'sha256', 'fileName'] as const;
export type AddModelField = (typeof FIELDS)[number];

/**
 * The add-by-URL form: its values, each field's problem (checked here with `AddModelRequest`, then the
 * hub's answer), and submit.
 */
export function useAddModelForm(onAdded: (model: ModelSummary) => void) {
  const [values, setValues] = useState<Record<AddModelField, string>>({
    url: '',
    name: '',
    kind: 'checkpoint',
    sha256: '',
    fileName: '',
  });
  const [errors, setErrors] = useState<Partial<Record<AddModelField, string>>>({});
  const add = useAddModel();

  const set = (field: AddModelField) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = AddModelRequest.safeParse(addModelBody(values));
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      setErrors(fieldErrors(issues).fields);
      add.reset();
      return;
    }
    setErrors({});
    add.mutate(parsed.data, {
      onSuccess: (model) => {
        setValues({ url: '', name: '', kind: values.kind, sha256: '', fileName: '' });
        onAdded(model);
      },
      onError: (error) => {
        if (!(error instanceof ApiRequestError)) return;
        const { fields } = fieldErrors(error.issues);
        const named = fieldOfMessage(error.message, FIELDS);
        if (named && !fields[named]) fields[named] = error.message.slice(named.length + 1).trim();
        setErrors(fields);
      },
    });
  }

  // Field problems show under their fields; the alert carries the rest.
  const apiError = Object.values(errors).some(Boolean) ? null : add.error;
  return { values, errors, set, submit, apiError, adding: add.isPending };
}
