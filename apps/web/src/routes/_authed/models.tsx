import { useQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { modelsQuery } from '../../api/models';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AddModelForm } from '../../components/models/AddModelForm';
import { ModelsTable } from '../../components/models/ModelsTable';
import { UploadModelForm } from '../../components/models/UploadModelForm';
import { Section } from '../../components/Section';
import { formatBytes } from '../../lib/transfer';
import { usePageTitle } from '../../lib/usePageTitle';

export const Route = createFileRoute('/_authed/models')({
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(modelsQuery);
  },
  component: ModelsPage,
});

type Adding = 'url' | 'upload' | null;

function ModelsPage() {
  usePageTitle('Models');
  const models = useQuery(modelsQuery);
  const [adding, setAdding] = useState<Adding>(null);
  const [notice, setNotice] = useState('');
  const list = models.data?.models;
  const total = list?.reduce((sum, m) => sum + (m.status === 'available' ? (m.sizeBytes ?? 0) : 0), 0) ?? 0;

  return (
    <>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Models</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Checkpoints, LoRAs, VAEs and more, stored once by their sha256 and linked into every instance
            whose profile lists them.
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button
            variant={adding === 'upload' ? 'primary' : 'secondary'}
            aria-expanded={adding === 'upload'}
            aria-controls="add-model"
            onClick={() => setAdding(adding === 'upload' ? null : 'upload')}
          >
            Upload from this computer
          </Button>
          <Button
            variant={adding === 'url' ? 'primary' : 'secondary'}
            aria-expanded={adding === 'url'}
            aria-controls="add-model"
            onClick={() => setAdding(adding === 'url' ? null : 'url')}
          >
            Add from URL
          </Button>
        </div>
      </div>

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
                <AddModelForm onAdded={(model) => setNotice(`“${model.name}” added to the library.`)} />
              </>
            ) : (
              <UploadModelForm onUploaded={() => setNotice('')} />
            )}
          </section>
        ) : null}
      </div>

      <p role="status" className={notice ? 'text-sm text-emerald-700 dark:text-emerald-400' : 'sr-only'}>
        {notice}
      </p>

      <Section
        title="Library"
        description={
          list?.length
            ? `${list.length} model${list.length === 1 ? '' : 's'}, ${formatBytes(total)} in storage.`
            : 'Every model the hub knows, and the profiles that use it.'
        }
      >
        {models.isError ? (
          <ErrorAlert error={models.error}>
            <Button variant="secondary" onClick={() => void models.refetch()}>
              Try again
            </Button>
          </ErrorAlert>
        ) : null}
        {models.isPending ? (
          <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
            Loading models…
          </p>
        ) : null}
        {list?.length === 0 ? (
          <EmptyState title="No models yet">
            Next step: upload a model file from this computer or add one by its download URL (buttons above),
            then list it in a profile. From a terminal:{' '}
            <code className="font-mono">podpilot models push ./file.safetensors</code>.
          </EmptyState>
        ) : null}
        {list?.length ? <ModelsTable models={list} /> : null}
      </Section>
    </>
  );
}
