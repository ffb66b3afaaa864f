import type { ModelSummary } from '@podpilot/common';
import { Link } from '@tanstack/react-router';
import { useDeleteModel } from '../../api/models';
import { hostOf, usageByProfile } from '../../lib/models';
import { formatBytes } from '../../lib/transfer';
import { CopyButton } from '../shared/CopyButton';
import { ErrorAlert } from '../shared/ErrorAlert';
import { RelativeTime } from '../shared/RelativeTime';
import { cell, Table } from '../shared/Table';
import { DeleteModelButton } from './DeleteModelButton';
import { ModelStatusBadge } from './ModelStatusBadge';

const muted = 'text-xs text-slate-500 dark:text-slate-400';

/** The library: each model's name, kind, size, hash, state, the profiles that use it, and Delete. */
export function ModelsTable({ models }: { models: ModelSummary[] }) {
  const remove = useDeleteModel();
  const failed = remove.isError ? models.find((m) => m.sha256 === remove.variables) : undefined;
  return (
    // `relative` on the table's scroll box: its screen-reader-only heading is positioned, and would
    // otherwise widen the whole page on a phone.
    <div className="space-y-3 [&>div:last-child]:relative">
      {remove.isError ? (
        <ErrorAlert error={remove.error}>
          {failed ? `“${failed.name}” was not deleted.` : null}
          {failed?.usedBy.length
            ? ' A model stays while any version of a profile lists it: delete those profiles first, or keep the model.'
            : null}
        </ErrorAlert>
      ) : null}
      <Table
        caption="Models in the library"
        head={[
          'Name',
          'Kind',
          'Size',
          'SHA-256',
          'Status',
          'Used by',
          'Added',
          { label: 'Actions', srOnly: true },
        ]}
      >
        {models.map((model) => (
          <ModelRow
            key={model.sha256}
            model={model}
            deleting={remove.isPending && remove.variables === model.sha256}
            onDelete={() => remove.mutate(model.sha256)}
          />
        ))}
      </Table>
    </div>
  );
}

/** The name, then the file name and the download host when they tell more. */
function ModelName({ model }: { model: ModelSummary }) {
  return (
    <>
      <div className="truncate font-medium" title={model.name}>
        {model.name}
      </div>
      {model.fileName && model.fileName !== model.name ? (
        <div className={`truncate ${muted}`} title={model.fileName}>
          {model.fileName}
        </div>
      ) : null}
      {model.sourceUrl ? (
        <div className={`truncate ${muted}`} title={model.sourceUrl}>
          from {hostOf(model.sourceUrl)}
        </div>
      ) : null}
    </>
  );
}

/** The profiles (and their versions) that list the model. */
function ModelUsage({ model }: { model: ModelSummary }) {
  if (model.usedBy.length === 0) return <span className="text-slate-500 dark:text-slate-400">not used</span>;
  return (
    <ul className="space-y-0.5">
      {usageByProfile(model).map(([profile, versions]) => (
        <li key={profile}>
          <Link
            to="/profiles/$name"
            params={{ name: profile }}
            className="rounded font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-400"
          >
            {profile}
          </Link>{' '}
          <span className={muted}>v{versions.join(', v')}</span>
        </li>
      ))}
    </ul>
  );
}

function ModelRow({
  model,
  deleting,
  onDelete,
}: {
  model: ModelSummary;
  deleting: boolean;
  onDelete: () => void;
}) {
  return (
    <tr>
      <td className={`${cell} max-w-72`}>
        <ModelName model={model} />
      </td>
      <td className={cell}>{model.kind}</td>
      <td className={`${cell} tabular-nums`}>{formatBytes(model.sizeBytes)}</td>
      <td className={cell}>
        <span className="inline-flex items-center gap-1">
          <code className="font-mono text-xs" title={model.sha256}>
            {model.sha256.slice(0, 12)}…
          </code>
          <CopyButton text={model.sha256} label={`Copy the sha256 of ${model.name}`} />
        </span>
      </td>
      <td className={cell}>
        <ModelStatusBadge status={model.status} />
        {model.statusReason ? (
          <div className={`mt-1 max-w-56 truncate ${muted}`} title={model.statusReason}>
            {model.statusReason}
          </div>
        ) : null}
      </td>
      <td className={cell}>
        <ModelUsage model={model} />
      </td>
      <td className={`${cell} text-slate-500 dark:text-slate-400`}>
        <RelativeTime iso={model.createdAt} />
      </td>
      <td className={`${cell} text-right`}>
        <DeleteModelButton name={model.name} busy={deleting} onConfirm={onDelete} />
      </td>
    </tr>
  );
}
