import { useQuery } from '@tanstack/react-query';
import { healthQuery } from '../../api/settings';
import { Card, Code } from '../shared/Card';
import { QueryError } from '../shared/QueryState';
import { storageQuery } from './settings-queries';

const row = 'grid gap-1 py-3 first:pt-0 last:pb-0 sm:grid-cols-3 sm:gap-4';
const term = 'text-sm font-medium text-slate-600 dark:text-slate-400';
const value = 'text-sm sm:col-span-2';

/**
 * Read-only facts about this hub: version and database (`/health`), and the storage in use
 * (`/api/settings/storage`: never its keys).
 */
export function HubInfo() {
  const health = useQuery(healthQuery);
  return (
    <Card className="space-y-4">
      {health.isError ? <QueryError error={health.error} retry={() => void health.refetch()} /> : null}
      <dl className="divide-y divide-slate-200 dark:divide-slate-800">
        <div className={row}>
          <dt className={term}>Version</dt>
          <dd className={value}>
            {health.data ? health.data.version : health.isPending ? <span role="status">Loading…</span> : '—'}
          </dd>
        </div>
        <div className={row}>
          <dt className={term}>Database</dt>
          <dd className={value}>
            {health.data ? (
              <>
                {health.data.database.engine === 'pglite'
                  ? 'PGlite, embedded in the hub (files under PODPILOT_HOME/db)'
                  : 'PostgreSQL (DATABASE_URL)'}
                {health.data.database.ok ? null : (
                  <span className="ml-2 font-medium text-red-700 dark:text-red-400">not answering</span>
                )}
              </>
            ) : health.isPending ? (
              'Loading…'
            ) : (
              '—'
            )}
          </dd>
        </div>
        <div className={row}>
          <dt className={term}>Storage for models and outputs</dt>
          <dd className={`${value} space-y-2 text-slate-700 dark:text-slate-300`}>
            <StorageInUse />
            <p className="text-slate-600 dark:text-slate-400">
              Chosen when the hub starts, with <Code>PODPILOT_STORAGE</Code> (<Code>local</Code> or{' '}
              <Code>s3</Code>) and the <Code>PODPILOT_S3_*</Code> variables; <Code>podpilot hub --help</Code>{' '}
              lists them.
            </p>
          </dd>
        </div>
      </dl>
    </Card>
  );
}

/** Local storage, or the S3 endpoint and bucket the hub uses. */
function StorageInUse() {
  const storage = useQuery(storageQuery);
  if (storage.isError) return <QueryError error={storage.error} retry={() => void storage.refetch()} />;
  const data = storage.data;
  if (!data) return <p role="status">Loading…</p>;
  if (data.kind === 'local')
    return (
      <p>
        <strong>Local</strong>: files under <Code>PODPILOT_HOME/storage</Code>, served by the hub through
        signed, expiring links.
      </p>
    );
  return (
    <p>
      <strong>S3</strong>: bucket <Code>{data.bucket}</Code> at{' '}
      <Code>{data.endpoint ?? `AWS S3 (${data.region})`}</Code>
      {data.endpoint ? ` (region ${data.region})` : ''}
      {data.forcePathStyle ? ', path-style addressing' : ''}.
    </p>
  );
}
