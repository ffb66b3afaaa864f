import { type OutputParams, type OutputSummary, outputParams } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { outputQuery, outputUrlsQuery } from '../../api/outputs';
import { baseName, isImage } from '../../lib/outputs-search';
import { Button } from '../shared/Button';
import { QueryError } from '../shared/QueryState';
import { FileFacts, GenerationFacts } from './OutputFacts';

/** The output dialog's content: the image (or a note), and beside it Download, its settings and the file. */
export function OutputBody({ output }: { output: OutputSummary }) {
  const urls = useQuery(outputUrlsQuery(output.id));
  // A list's row has only the size of the settings; the detail has all of them.
  const detail = useQuery(outputQuery(output.id)).data ?? output;
  const params = outputParams(detail.metadata);
  const name = baseName(output.path);
  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-y-auto lg:flex-row lg:overflow-hidden">
      <div className="flex min-h-64 shrink-0 items-center justify-center bg-slate-100 p-2 lg:min-h-0 lg:flex-1 lg:shrink dark:bg-slate-950">
        {urls.isError ? (
          <QueryError error={urls.error} retry={() => void urls.refetch()} />
        ) : !urls.data ? (
          <p role="status" className="text-sm text-slate-500">
            Loading…
          </p>
        ) : (
          <Preview output={output} url={urls.data.url} params={params} />
        )}
      </div>
      <aside className="space-y-5 p-4 text-sm lg:w-96 lg:overflow-y-auto lg:border-l lg:border-slate-200 dark:lg:border-slate-800">
        <div className="flex flex-wrap gap-2">
          {urls.data ? (
            <a
              href={urls.data.url}
              download={name}
              className={
                'inline-flex items-center justify-center gap-2 rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm ' +
                'hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 ' +
                'dark:bg-indigo-500 dark:hover:bg-indigo-400'
              }
            >
              Download
            </a>
          ) : (
            <Button disabled>Download</Button>
          )}
        </div>
        <GenerationFacts output={detail} params={params} />
        <FileFacts output={detail} />
      </aside>
    </div>
  );
}

function Preview({ output, url, params }: { output: OutputSummary; url: string; params: OutputParams }) {
  const name = baseName(output.path);
  if (!isImage(output.contentType, output.path))
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        No preview for this kind of file; download it.
      </p>
    );
  return (
    <img
      key={output.id}
      src={url}
      alt={params.prompt ? `${name}: ${params.prompt.slice(0, 200)}` : name}
      width={output.metadata?.width}
      height={output.metadata?.height}
      className="h-auto max-h-[70dvh] w-auto max-w-full object-contain lg:max-h-full"
      decoding="async"
    />
  );
}
