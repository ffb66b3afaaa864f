import type pg from 'pg';
import type { Db } from './db.js';

/** Advisory lock keys of the hub's jobs (one bigint per job, fixed forever). */
export const JOB_LOCKS = {
  reconciler: 0x706f6470_0001,
  costWatch: 0x706f6470_0002,
  deadlines: 0x706f6470_0003,
} as const;

const running = new WeakMap<Db, Set<number>>();

/**
 * Runs `fn` only if no other hub process (and no other run in this process) holds the job's lock, so
 * several hubs can share one database and still run each job once at a time. On PostgreSQL this is a
 * session-level `pg_try_advisory_lock` on a connection held (idle, outside any transaction) for the run;
 * on PGlite, which only one process can open, an in-process flag. Returns whether `fn` ran.
 */
export async function withJobLock(db: Db, key: number, fn: () => Promise<void>): Promise<boolean> {
  const mine = running.get(db) ?? new Set<number>();
  running.set(db, mine);
  if (mine.has(key)) return false;
  mine.add(key);
  try {
    const pool = (db as Db & { pool?: pg.Pool }).pool;
    if (db.engine !== 'postgres' || !pool) {
      await fn();
      return true;
    }
    const client = await pool.connect();
    try {
      const [row] = (
        await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [key])
      ).rows;
      if (!row?.ok) return false;
      try {
        await fn();
      } finally {
        await client.query('select pg_advisory_unlock($1::bigint)', [key]).catch(() => {});
      }
      return true;
    } finally {
      client.release();
    }
  } finally {
    mine.delete(key);
  }
}
