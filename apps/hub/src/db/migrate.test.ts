import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../test-support/databases.js';
import type { Db } from './db.js';
import { DEFAULT_MIGRATIONS_DIR, MigrationError, migrate } from './migrate.js';

const CORE = '001.do.core.sql';

describe.each(testDatabases())('migrations on $engine', ({ open }) => {
  let db: Db;
  let dir: string;

  beforeAll(async () => {
    db = await open();
    dir = await mkdtemp(join(tmpdir(), 'podpilot-migrations-'));
    for (const file of await readdir(DEFAULT_MIGRATIONS_DIR))
      await copyFile(join(DEFAULT_MIGRATIONS_DIR, file), join(dir, file));
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the core tables, each recorded with a checksum', async () => {
    const tables = await db.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'agent_credentials',
        'api_tokens',
        'events',
        'instance_transitions',
        'instances',
        'models',
        'outputs',
        'profile_versions',
        'profiles',
        'secrets',
        'sessions',
        'settings',
        'setup_tokens',
        'users',
      ]),
    );
    const [row] = await db.query<{ version: number; md5: string }>(
      'select version, md5 from schema_migrations where version = 1',
    );
    expect(row?.md5).toMatch(/^[0-9a-f]{32}$/);
  });

  it('applies nothing the second time', async () => {
    expect((await migrate(db)).applied).toEqual([]);
  });

  it('applies new files in version order, then none again', async () => {
    await writeFile(join(dir, '902.do.second.sql'), 'alter table migration_probe add column b int;');
    await writeFile(join(dir, '901.do.first.sql'), 'create table migration_probe (a int);');
    const result = await migrate(db, dir);
    expect(result.applied).toEqual(['901.do.first.sql', '902.do.second.sql']);
    expect(result.version).toBe(902);
    expect((await migrate(db, dir)).applied).toEqual([]);
  });

  it('rolls back a migration that fails half-way and reports the file', async () => {
    await writeFile(
      join(dir, '903.do.broken.sql'),
      'create table half_done (a int);\nselect no_such_function();',
    );
    await expect(migrate(db, dir)).rejects.toThrow(/903\.do\.broken\.sql|no_such_function/);
    const left = await db.query(`select 1 from information_schema.tables where table_name = 'half_done'`);
    expect(left).toEqual([]);
    await rm(join(dir, '903.do.broken.sql'));
  });

  it('refuses to start when an applied migration file was changed', async () => {
    const path = join(dir, CORE);
    const original = await readFile(path, 'utf8');
    await writeFile(path, `${original}\n-- an innocent-looking edit\n`);
    const attempt = migrate(db, dir);
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(migrate(db, dir)).rejects.toThrow(
      /migration 001\.do\.core\.sql was changed after it was applied/,
    );
    await writeFile(path, original);
    expect((await migrate(db, dir)).applied).toEqual([]);
  });
});
