import pg from 'pg';
import { type Db, dbHousekeeping, NUMBER_TYPE_OIDS, type Queryable, toNumber } from './db.js';

const typeParsers = new Map<number, (value: string) => unknown>([
  [NUMBER_TYPE_OIDS.int8, toNumber],
  [NUMBER_TYPE_OIDS.numeric, toNumber],
]);
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    typeParsers.get(oid) ?? pg.types.getTypeParser(oid, format),
};

/** The `Queryable` face of the pool or of one checked-out client. */
const queryable = (q: pg.Pool | pg.PoolClient): Queryable => ({
  async query<T>(sql: string, params?: readonly unknown[]) {
    const result = await q.query(sql, params as unknown[] | undefined);
    return result.rows as T[];
  },
});

/** Runs `fn` on one client between `begin` and `commit`; rolls back and rethrows when it throws. */
async function inTransaction<T>(pool: pg.Pool, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(queryable(client));
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** A pool that has answered once; the pool is ended again when it does not answer. */
async function connectedPool(url: string, max: number): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5_000,
    types: types as pg.CustomTypesConfig,
  });
  // A broken idle connection must not crash the process; the next query reports the problem.
  pool.on('error', () => {});
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return pool;
}

/** Opens a pool to PostgreSQL and checks it answers; throws the driver's error if it does not. */
export async function openPostgres(
  url: string,
  options: { max?: number } = {},
): Promise<Db & { pool: pg.Pool }> {
  const pool = await connectedPool(url, options.max ?? 10);
  return {
    engine: 'postgres',
    pool,
    ...queryable(pool),
    transaction: (fn) => inTransaction(pool, fn),
    ...dbHousekeeping(
      (sql) => pool.query(sql),
      () => pool.end(),
    ),
  };
}
