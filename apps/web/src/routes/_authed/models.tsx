import { useQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { modelsQuery } from '../../api/models';
import { type Adding, AddModelButtons, AddModelPanel } from '../../components/models/AddModelPanel';
import { ModelsTable } from '../../components/models/ModelsTable';
import { EmptyState } from '../../components/shared/EmptyState';
import { QueryState } from '../../components/shared/QueryState';
import { Section } from '../../components/shared/Section';
import { usePageTitle } from '../../hooks/usePageTitle';
import { formatBytes } from '../../lib/transfer';

export const Route = createFileRoute('/_authed/models')({
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(modelsQuery);
  },
  component: ModelsPage,
});

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
        <AddModelButtons adding={adding} onChange={setAdding} />
      </div>

      <AddModelPanel
        adding={adding}
        onAdded={(model) => setNotice(`“${model.name}” added to the library.`)}
        onUploaded={() => setNotice('')}
      />

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
        <QueryState query={models} what="models">
          {({ models: all }) =>
            all.length === 0 ? (
              <EmptyState title="No models yet">
                Next step: upload a model file from this computer or add one by its download URL (buttons
                above), then list it in a profile. From a terminal:{' '}
                <code className="font-mono">podpilot models push ./file.safetensors</code>.
              </EmptyState>
            ) : (
              <ModelsTable models={all} />
            )
          }
        </QueryState>
      </Section>
    </>
  );
}
