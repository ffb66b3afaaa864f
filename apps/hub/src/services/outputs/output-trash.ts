import type {
  DeleteOutputsRequest,
  DeleteOutputsResponse,
  OutputsFilter,
  RestoreOutputsResponse,
} from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import type { OutputTrashRepository } from '../../repositories/output-trash.repository.js';
import type { ObjectStorage } from '../../storage/index.js';

/** How long a deleted output can be restored before its files are removed (default). */
export const TRASH_GRACE_MS = 7 * 24 * 3600_000;
/** The most outputs one filter deletion moves: a search's result, not the whole library by accident. */
export const MAX_FILTER_DELETE = 10_000;
const PURGE_BATCH = 200;

/** The repository's filter from the API's. */
export const filterOf = (filter: OutputsFilter) => ({
  ...(filter.instance ? { instanceId: filter.instance } : {}),
  ...(filter.profile ? { profile: filter.profile } : {}),
  ...(filter.since ? { since: filter.since } : {}),
  ...(filter.until ? { until: filter.until } : {}),
  ...(filter.path ? { path: filter.path } : {}),
  ...(filter.q ? { words: filter.q.toLowerCase().split(/\s+/).filter(Boolean) } : {}),
});

/**
 * The outputs' trash: deleting moves outputs there (the list no longer shows them, `deleted=true` does),
 * restoring takes them back, and after the grace period `purge` removes their files and thumbnails from
 * storage and then their rows. Deleting and restoring are idempotent.
 */
export class OutputTrash {
  constructor(
    private readonly outputs: OutputTrashRepository,
    private readonly storage: ObjectStorage,
    private readonly log: FastifyBaseLogger,
    private readonly graceMs: number = TRASH_GRACE_MS,
  ) {}

  async remove(request: DeleteOutputsRequest): Promise<DeleteOutputsResponse> {
    const deleted = request.ids
      ? await this.outputs.trash(request.ids)
      : await this.outputs.trashWhere(filterOf(request.filter ?? {}), MAX_FILTER_DELETE);
    return { deleted, restoreUntil: new Date(Date.now() + this.graceMs).toISOString() };
  }

  async restore(ids: string[]): Promise<RestoreOutputsResponse> {
    return { restored: await this.outputs.restore(ids) };
  }

  /**
   * Removes what has been in the trash longer than the grace period: each file and thumbnail from storage,
   * then the rows (a storage failure leaves the row, so the next purge tries again). Returns how many went.
   */
  async purge(now: Date = new Date()): Promise<number> {
    let purged = 0;
    for (;;) {
      const rows = await this.outputs.expired(new Date(now.getTime() - this.graceMs), PURGE_BATCH);
      const gone: string[] = [];
      for (const row of rows) {
        try {
          await this.storage.delete(row.storageKey);
          if (row.thumbnailKey) await this.storage.delete(row.thumbnailKey);
          gone.push(row.id);
        } catch (err) {
          this.log.warn({ err, outputId: row.id }, 'output purge: storage refused; trying again later');
        }
      }
      await this.outputs.removeRows(gone);
      purged += gone.length;
      if (rows.length < PURGE_BATCH || gone.length === 0) return purged;
    }
  }
}
