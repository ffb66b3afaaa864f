import type { Queryable } from '../db/db.js';
import { from, type OutputFilter, type OutputRow, whereOf } from './outputs-sql.js';

/** The outputs' trash: moving outputs in and out, and what the purge removes. */
export class OutputTrashRepository {
  constructor(private readonly db: Queryable) {}

  /** Moves the kept outputs among `ids` to the trash; returns how many moved. */
  async trash(ids: string[]): Promise<number> {
    const rows = await this.db.query(
      'update outputs set deleted_at = now() where id = any($1::uuid[]) and deleted_at is null returning id',
      [ids],
    );
    return rows.length;
  }

  /** Moves every kept output `filter` matches (at most `limit`) to the trash; returns how many moved. */
  async trashWhere(
    filter: Omit<OutputFilter, 'limit' | 'after' | 'deleted'>,
    limit: number,
  ): Promise<number> {
    const { where, params, param } = whereOf({ ...filter, limit });
    const rows = await this.db.query(
      `update outputs set deleted_at = now() where id in (
         select o.id ${from} where ${where.join(' and ')} order by o.created_at desc limit ${param(limit)})
       returning id`,
      params,
    );
    return rows.length;
  }

  /** Takes the outputs among `ids` that are in the trash back out; returns how many. */
  async restore(ids: string[]): Promise<number> {
    const rows = await this.db.query(
      'update outputs set deleted_at = null where id = any($1::uuid[]) and deleted_at is not null returning id',
      [ids],
    );
    return rows.length;
  }

  /** Trashed outputs deleted before `before`, oldest first: what the purge removes. */
  async expired(
    before: Date,
    limit: number,
  ): Promise<Pick<OutputRow, 'id' | 'storageKey' | 'thumbnailKey'>[]> {
    return this.db.query(
      `select id, storage_key as "storageKey", thumbnail_key as "thumbnailKey" from outputs
        where deleted_at < $1 order by deleted_at limit $2`,
      [before, limit],
    );
  }

  /** Removes the rows of purged outputs (their files are gone). */
  async removeRows(ids: string[]): Promise<void> {
    await this.db.query('delete from outputs where id = any($1::uuid[]) and deleted_at is not null', [ids]);
  }
}
