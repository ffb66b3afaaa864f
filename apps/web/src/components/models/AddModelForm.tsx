import { AddModelRequest, ModelKind, type ModelSummary } from '@podpilot/common';
import { type FormEvent, useState } from 'react';
import { ApiRequestError } from '../../api/client';
import { useAddModel } from '../../api/models';
import { fieldErrors, fieldOfMessage } from '../../lib/field-errors';
import { Button } from '../Button';
import { ErrorAlert } from '../ErrorAlert';
import { TextField } from '../TextField';
import { SelectField } from './SelectField';

const FIELDS = ['url', 'name', 'kind', 'sha256', 'fileName'] as const;
type Field = (typeof FIELDS)[number];

/** The last path segment of a URL, without its extension: a sensible default name. */
export function nameFromUrl(url: string): string {
  try {
    const last = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? '');
    return last.replace(/\.[^.]+$/, '');
  } catch {
    return '';
  }
}

/** Registers a model by URL; the first instance that needs it downloads it, and the hub keeps the file. */
export function AddModelForm({ onAdded }: { onAdded: (model: ModelSummary) => void }) {
  const [values, setValues] = useState<Record<Field, string>>({
    url: '',
    name: '',
    kind: 'checkpoint',
    sha256: '',
    fileName: '',
  });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const add = useAddModel();

  const set = (field: Field) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = {
      url: values.url.trim(),
      name: values.name.trim() || nameFromUrl(values.url.trim()),
      kind: values.kind,
      ...(values.sha256.trim() ? { sha256: values.sha256.trim().toLowerCase() } : {}),
      ...(values.fileName.trim() ? { fileName: values.fileName.trim() } : {}),
    };
    const parsed = AddModelRequest.safeParse(body);
    if (!parsed.success) {
      const { fields } = fieldErrors(
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
      setErrors(fields);
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

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Add a model from a URL">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Download URL"
          name="url"
          type="url"
          inputMode="url"
          required
          value={values.url}
          onChange={(e) => set('url')(e.target.value)}
          error={errors.url}
          hint="A direct link to the file (Hugging Face “resolve” link, Civitai download…)."
          placeholder="https://huggingface.co/…/model.safetensors"
          autoComplete="off"
          className="sm:col-span-2"
        />
        <TextField
          label="Name"
          name="name"
          value={values.name}
          onChange={(e) => set('name')(e.target.value)}
          error={errors.name}
          hint="Leave empty to use the file name."
          placeholder={nameFromUrl(values.url) || 'SDXL base 1.0'}
          maxLength={200}
          autoComplete="off"
        />
        <SelectField
          label="Kind"
          name="kind"
          value={values.kind}
          onChange={(e) => set('kind')(e.target.value)}
          error={errors.kind}
          options={ModelKind.options}
        />
        <TextField
          label="SHA-256 (optional)"
          name="sha256"
          value={values.sha256}
          onChange={(e) => set('sha256')(e.target.value)}
          error={errors.sha256}
          hint="Asked from the site when left empty (Hugging Face publishes it); the download is checked against it."
          spellCheck={false}
          autoComplete="off"
        />
        <TextField
          label="File name (optional)"
          name="fileName"
          value={values.fileName}
          onChange={(e) => set('fileName')(e.target.value)}
          error={errors.fileName}
          hint="The name the UI sees; defaults to the URL's."
          autoComplete="off"
        />
      </div>
      <ErrorAlert error={apiError} />
      <Button type="submit" busy={add.isPending} busyLabel="Adding…">
        Add model
      </Button>
    </form>
  );
}
