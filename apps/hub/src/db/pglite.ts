import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { type Db, dbHousekeeping, NUMBER_TYPE_OIDS, type Queryable, toNumber } from './db.js';

const parsers = { [NUMBER_TYPE_OIDS.int8]: toNumber, [NUMBER_TYPE_OIDS.numeric]: toNumber };

export interface PgliteOptions {
  /** Folder of the database files; omitted means in memory. */
  dataDir?: string;
  /** A data dir tarball from `dumpDataDir()` to start from (tests use a migrated template). */
  loadDataDir?: Blob;
}

/** Opens (creating on first use) an embedded PGlite database. A new folder takes a few seconds (initdb). */
export async function openPglite(options: PgliteOptions = {}): Promise<Db & { pglite: PGlite }> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers,
  });
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<T>(sql: string, params?: readonly unknown[]) {
      const result = await q.query<T>(sql, params as unknown[] | undefined);
      return result.rows;
    },
  });
  return {
    engine: 'pglite',
    pglite,
    ...wrap(pglite),
    transaction: (fn) => pglite.transaction((tx) => fn(wrap(tx))),
    ...dbHousekeeping(
      (sql) => pglite.exec(sql),
      () => pglite.close(),
    ),
  };
}
