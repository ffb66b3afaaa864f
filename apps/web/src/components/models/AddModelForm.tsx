import { ModelKind, type ModelSummary } from '@podpilot/common';
import { nameFromUrl } from '../../lib/models';
import { Button } from '../shared/Button';
import { ErrorAlert } from '../shared/ErrorAlert';
import { SelectField } from '../shared/SelectField';
import { TextField } from '../shared/TextField';
import { useAddModelForm } from './useAddModelForm';

/** Registers a model by URL; the first instance that needs it downloads it, and the hub keeps the file. */
export function AddModelForm({ onAdded }: { onAdded: (model: ModelSummary) => void }) {
  const form = useAddModelForm(onAdded);
  const { values, errors, set, submit, apiError, adding } = form;
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
        <OptionalFields form={form} />
      </div>
      <ErrorAlert error={apiError} />
      <Button type="submit" busy={adding} busyLabel="Adding…">
        Add model
      </Button>
    </form>
  );
}

/** The hash and file name: the hub asks the site for the first and takes the second from the URL. */
function OptionalFields({ form: { values, errors, set } }: { form: ReturnType<typeof useAddModelForm> }) {
  return (
    <>
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
    </>
  );
}
