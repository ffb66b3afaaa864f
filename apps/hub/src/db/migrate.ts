import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '@podpilot/common';
import Postgrator from 'postgrator';
import type { Db } from './db.js';

/** The repo's `migrations/` folder; the same relative place from `src/db` and `dist/db`. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../../migrations', import.meta.url));

/** Start-up must stop: the database does not match the migration files. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface MigrationResult {
  applied: string[];
  version: number;
}

/** Serialises concurrent hubs starting on one PostgreSQL database. Any constant unique to PodPilot. */
const MIGRATION_LOCK_KEY = 7_300_001;

/**
 * Applies pending `NNN.do.name.sql` files in order, each in one transaction, recording version, name and MD5
 * in `schema_migrations`. Refuses (MigrationError) when an applied file's checksum no longer matches.
 * Idempotent: a second call applies nothing.
 */
export async function migrate(db: Db, dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql'));
  const byVersion = new Map(files.map((f) => [Number(f.split('.')[0]), f]));
  const postgrator = new Postgrator({
    migrationPattern: `${dir.replaceAll('\\', '/')}/*.sql`,
    driver: 'pg',
    schemaTable: 'schema_migrations',
    validateChecksums: true,
    execQuery: async (sql) => ({ rows: await db.query(sql) }),
    // A simple-protocol script runs as one implicit transaction on both engines: all or nothing.
    execSqlScript: (sql) => db.execScript(sql),
  });
  const run = async () => {
    try {
      const applied = await postgrator.migrate();
      return {
        applied: applied.map((m) => m.filename.split('/').pop() ?? m.filename),
        version: await postgrator.getDatabaseVersion(),
      };
    } catch (error) {
      const message = errorMessage(error);
      const changed = /MD5 checksum failed for migration \[(\d+)\]/.exec(message);
      if (changed) {
        const file = byVersion.get(Number(changed[1])) ?? `version ${changed[1]}`;
        throw new MigrationError(
          `migration ${file} was changed after it was applied to this database (checksum differs); ` +
            'restore the original file and put the change in a new migration',
        );
      }
      throw new MigrationError(`applying migrations from ${dir} failed: ${message}`);
    }
  };
  if (db.engine !== 'postgres') return run();
  return db.transaction(async (tx) => {
    // A transaction-scoped lock on a pool connection; the migration itself runs on other connections.
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    return run();
  });
}
