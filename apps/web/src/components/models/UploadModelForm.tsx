import { ModelKind, type ModelSummary } from '@podpilot/common';
import { type FormEvent, useId, useState } from 'react';
import { guessKind, stem } from '../../lib/models';
import { formatBytes } from '../../lib/transfer';
import { Button } from '../shared/Button';
import { SelectField } from '../shared/SelectField';
import { TextField } from '../shared/TextField';
import { UploadProgress } from './UploadProgress';
import { useModelUpload } from './useModelUpload';

/** Pushes a model file from this computer into the library (see `useModelUpload`). */
export function UploadModelForm({ onUploaded }: { onUploaded: (model: ModelSummary) => void }) {
  const upload = useModelUpload(onUploaded);
  const { running, resumable } = upload;
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<ModelKind>('checkpoint');
  const [fileError, setFileError] = useState<string>();

  function pick(picked: File | null) {
    setFile(picked);
    setFileError(undefined);
    upload.reset();
    if (picked) {
      setName(stem(picked.name));
      setKind(guessKind(picked.name));
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) setFileError('Choose a model file first.');
    else if (file.size === 0) setFileError('This file is empty.');
    else upload.start(file, name, kind);
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Upload a model from this computer">
      <FileInput file={file} error={fileError} disabled={running} onPick={pick} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          disabled={running}
          maxLength={200}
          autoComplete="off"
          hint="Defaults to the file name."
        />
        <SelectField
          label="Kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as ModelKind)}
          disabled={running}
          options={ModelKind.options}
        />
      </div>

      <UploadProgress phase={upload.phase} resumable={resumable} />

      <div className="flex flex-wrap gap-2">
        {running ? (
          <CancelButton onCancel={upload.cancel} />
        ) : (
          <Button type="submit">{resumable ? 'Resume upload' : 'Upload'}</Button>
        )}
      </div>
    </form>
  );
}

function CancelButton({ onCancel }: { onCancel: () => void }) {
  return (
    <Button variant="secondary" onClick={onCancel}>
      Cancel upload
    </Button>
  );
}

interface FileInputProps {
  file: File | null;
  error: string | undefined;
  disabled: boolean;
  onPick: (file: File | null) => void;
}

function FileInput({ file, error, disabled, onPick }: FileInputProps) {
  const inputId = useId();
  return (
    <div>
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        Model file
      </label>
      <input
        id={inputId}
        type="file"
        accept=".safetensors,.ckpt,.pt,.pth,.bin,.gguf,.onnx,.sft"
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${inputId}-error` : `${inputId}-hint`}
        onChange={(e) => onPick(e.target.files?.[0] ?? null)}
        className={
          'mt-1.5 block w-full max-w-full text-sm text-slate-700 dark:text-slate-300 ' +
          'file:mr-3 file:rounded-md file:border-0 file:bg-indigo-50 file:px-3 file:py-2 file:text-sm file:font-medium ' +
          'file:text-indigo-700 hover:file:bg-indigo-100 dark:file:bg-indigo-950 dark:file:text-indigo-300 ' +
          'rounded-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500'
        }
      />
      {error ? (
        <p id={`${inputId}-error`} className="mt-1.5 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : (
        <p id={`${inputId}-hint`} className="mt-1.5 text-sm text-slate-500 dark:text-slate-400">
          {file
            ? `${file.name} · ${formatBytes(file.size)}`
            : 'Hashed here first: a file the library already has is not sent again.'}
        </p>
      )}
    </div>
  );
}
