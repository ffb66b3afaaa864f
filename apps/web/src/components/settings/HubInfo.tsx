import { useQuery } from '@tanstack/react-query';
import { healthQuery } from '../../api/settings';
import { Card, Code } from '../shared/Card';
import { QueryError } from '../shared/QueryState';

const row = 'grid gap-1 py-3 first:pt-0 last:pb-0 sm:grid-cols-3 sm:gap-4';
const term = 'text-sm font-medium text-slate-600 dark:text-slate-400';
const value = 'text-sm sm:col-span-2';

/**
 * Read-only facts about this hub. `/health` tells the version and database; no endpoint tells the storage
 * kind, so the card names the variables that set it.
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
            <p>
              Chosen when the hub starts, with <Code>PODPILOT_STORAGE</Code>: <Code>local</Code> (the default:
              files under <Code>PODPILOT_HOME/storage</Code>, served by the hub through signed, expiring
              links) or <Code>s3</Code> (any S3-compatible store, e.g. Cloudflare R2).
            </p>
            <p>
              For <Code>s3</Code>: <Code>PODPILOT_S3_BUCKET</Code>, <Code>PODPILOT_S3_ENDPOINT</Code>,{' '}
              <Code>PODPILOT_S3_REGION</Code>, <Code>PODPILOT_S3_ACCESS_KEY_ID</Code> and{' '}
              <Code>PODPILOT_S3_SECRET_ACCESS_KEY</Code>. <Code>podpilot hub --help</Code> lists them all.
            </p>
          </dd>
        </div>
      </dl>
    </Card>
  );
}
