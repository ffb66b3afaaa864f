import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import type { Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { openPglite } from '../db/pglite.js';
import { openPostgres } from '../db/postgres.js';

export interface TestDatabase {
  engine: Db['engine'];
  /** A new, migrated database of its own; `close()` also drops it (Postgres). */
  open(): Promise<Db>;
}

async function openPgliteFromTemplate(): Promise<Db> {
  const tar = await readFile(inject('pgliteTemplate'));
  return openPglite({ loadDataDir: new Blob([tar]) });
}

/** A database per call on the server behind PODPILOT_TEST_DATABASE_URL, created migrated and dropped on close. */
async function openPostgresScratch(adminUrl: string): Promise<Db> {
  const name = `podpilot_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString(), { max: 4 });
  await migrate(db);
  const close = db.close.bind(db);
  return Object.assign(db, {
    async close() {
      await close();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  });
}

/**
 * The engines every database test runs on: PGlite always; PostgreSQL too when PODPILOT_TEST_DATABASE_URL
 * is set (CI sets it). Use with `describe.each(testDatabases())('$engine', ...)`.
 */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [{ engine: 'pglite', open: openPgliteFromTemplate }];
  const url = process.env.PODPILOT_TEST_DATABASE_URL;
  if (!url && process.env.CI === 'true') {
    throw new Error(
      'CI=true but PODPILOT_TEST_DATABASE_URL is not set: the PostgreSQL half of the tests would be skipped',
    );
  }
  if (url) list.push({ engine: 'postgres', open: () => openPostgresScratch(url) });
  return list;
}
