import type { ModelSummary } from '@podpilot/common';
import { Button } from '../shared/Button';
import { AddModelForm } from './AddModelForm';
import { UploadModelForm } from './UploadModelForm';

export type Adding = 'url' | 'upload' | null;

/** The two ways to add a model, each a toggle for the panel below. */
export function AddModelButtons({
  adding,
  onChange,
}: {
  adding: Adding;
  onChange: (adding: Adding) => void;
}) {
  return (
    <div className="flex flex-wrap gap-2">
      <Button
        variant={adding === 'upload' ? 'primary' : 'secondary'}
        aria-expanded={adding === 'upload'}
        aria-controls="add-model"
        onClick={() => onChange(adding === 'upload' ? null : 'upload')}
      >
        Upload from this computer
      </Button>
      <Button
        variant={adding === 'url' ? 'primary' : 'secondary'}
        aria-expanded={adding === 'url'}
        aria-controls="add-model"
        onClick={() => onChange(adding === 'url' ? null : 'url')}
      >
        Add from URL
      </Button>
    </div>
  );
}

/** The form the buttons opened: add by URL, or upload from this computer. */
export function AddModelPanel({
  adding,
  onAdded,
  onUploaded,
}: {
  adding: Adding;
  onAdded: (model: ModelSummary) => void;
  onUploaded: () => void;
}) {
  return (
    <div id="add-model">
      {adding ? (
        <section
          aria-labelledby="add-model-title"
          className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900"
        >
          <h2 id="add-model-title" className="mb-4 text-lg font-semibold">
            {adding === 'url' ? 'Add a model from a URL' : 'Upload a model from this computer'}
          </h2>
          {adding === 'url' ? (
            <>
              <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
                Nothing is downloaded now: the first instance that needs the model fetches it, and the hub
                keeps a copy in storage for the next ones.
              </p>
              <AddModelForm onAdded={onAdded} />
            </>
          ) : (
            <UploadModelForm onUploaded={onUploaded} />
          )}
        </section>
      ) : null}
    </div>
  );
}
