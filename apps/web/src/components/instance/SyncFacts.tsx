import type { LiveInstance } from '@podpilot/common';
import { formatSize } from '../../lib/live';
import { Fact } from '../shared/Fact';

/** The agent's output sync: what waits, what went this run, when, and the last error. */
export function SyncFacts({ sync }: { sync: NonNullable<LiveInstance['sync']> }) {
  return (
    <dl className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-4">
      <Fact label="Backlog">
        {sync.backlogFiles} files · {formatSize(sync.backlogBytes)}
      </Fact>
      <Fact label="Synced this run">
        {sync.syncedFiles} files · {formatSize(sync.syncedBytes)}
      </Fact>
      <Fact label="Last sync">{sync.lastSyncAt ? new Date(sync.lastSyncAt).toLocaleString() : '—'}</Fact>
      <Fact label="Last error">{sync.lastError ?? 'none'}</Fact>
    </dl>
  );
}
