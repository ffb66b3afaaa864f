import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../test-support/databases.js';
import type { Db } from './db.js';

describe.each(testDatabases())('database adapter on $engine', ({ open, engine }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => db?.close());

  it('reports its engine and answers ping', async () => {
    expect(db.engine).toBe(engine);
    expect(await db.ping()).toBe(true);
  });

  it('returns bigint and numeric columns as numbers on both engines', async () => {
    const [row] = await db.query<{ big: number; money: number }>(
      'select 5000000000::int8 as big, 1.25::numeric(12,6) as money',
    );
    expect(row).toEqual({ big: 5_000_000_000, money: 1.25 });
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await db.transaction((tx) => tx.query(`insert into settings (key, value) values ('a', '1')`));
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`insert into settings (key, value) values ('b', '2')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const keys = await db.query<{ key: string }>('select key from settings order by key');
    expect(keys.map((k) => k.key)).toEqual(['a']);
  });

  it('answers false from ping once closed, and close is idempotent', async () => {
    const other = await open();
    await other.close();
    await other.close();
    expect(await other.ping()).toBe(false);
  });
});
