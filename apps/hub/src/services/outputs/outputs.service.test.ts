import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfirmOutputsRequest, OutputUploadPlan } from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../../db/db.js';
import { HttpError } from '../../lib/http-error.js';
import { LocalStorage } from '../../storage/index.js';
import { insertInstance } from '../../test-support/costs.js';
import { testDatabases } from '../../test-support/databases.js';
import { OutputsService, stagingKey } from './outputs.service.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const file = (path: string, text: string) => ({
  path,
  sizeBytes: Buffer.byteLength(text),
  sha256: sha256(text),
  mtime: '2026-11-28T10:00:00.000Z',
});

/** `db` counting every statement, inside transactions too. */
function counting(db: Db): { db: Db; count: () => number } {
  let n = 0;
  const counted = (q: Queryable): Queryable => ({
    query: (sql, params) => {
      n++;
      return q.query(sql, params);
    },
  });
  const proxy = new Proxy(db, {
    get(target, prop) {
      if (prop === 'query') return counted(target).query;
      if (prop === 'transaction')
        return (fn: (tx: Queryable) => Promise<unknown>) => target.transaction((tx) => fn(counted(tx)));
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: proxy, count: () => n };
}

/** The error a call rejected with (an HttpError here). */
async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe.each(testDatabases())('OutputsService batches on $engine', ({ open }) => {
  let db: Db;
  let home: string;
  let storage: LocalStorage;
  let queries: () => number;
  let service: OutputsService;

  beforeAll(async () => {
    db = await open();
    home = await mkdtemp(join(tmpdir(), 'podpilot-outputs-service-'));
    storage = new LocalStorage({
      root: join(home, 'storage'),
      keyFile: join(home, 'url.key'),
      baseUrl: () => 'http://127.0.0.1:1',
    });
    const counted = counting(db);
    queries = counted.count;
    service = new OutputsService(counted.db, storage, pino({ level: 'silent' }) as FastifyBaseLogger);
  });
  afterAll(async () => {
    await service?.idle();
    await db?.close();
    await rm(home, { recursive: true, force: true });
  });

  const instance = (name: string) =>
    insertInstance(db, { name, provider: 'local', state: 'launching', transitions: [] });
  type Item = ConfirmOutputsRequest['files'][number];
  /** Presigns the files and puts their bytes at the staging keys handed out: what confirms them. */
  const stage = async (id: string, files: { path: string; text: string }[]): Promise<Item[]> => {
    const plans = await service.presign(
      id,
      files.map((f) => file(f.path, f.text)),
    );
    const items: Item[] = [];
    for (const [i, f] of files.entries()) {
      const plan = plans.files[i] as OutputUploadPlan;
      const key = plan.status === 'indexed' ? stagingKey(id) : plan.key;
      if (plan.status !== 'indexed') await storage.put(key, Buffer.from(f.text));
      items.push({ ...file(f.path, f.text), version: plan.version, key });
    }
    return items;
  };
  const upload = async (id: string, files: { path: string; text: string }[]) =>
    service.confirm(id, await stage(id, files));
  const pending = (id: string) =>
    db.query<{ path: string; version: number; sizeBytes: number }>(
      `select path, version, size_bytes as "sizeBytes" from pending_output_uploads where instance_id = $1
        order by path, version`,
      [id],
    );

  it('runs as many queries for a batch of 150 files as for one', async () => {
    const id = await instance('counted');
    const cost = async (n: number, tag: string) => {
      const files = Array.from({ length: n }, (_, i) => ({
        path: `output/${tag}-${i}.bin`,
        text: `${tag}${i}`,
      }));
      let before = queries();
      const plans = await service.presign(
        id,
        files.map((f) => file(f.path, f.text)),
      );
      const presign = queries() - before;
      expect(plans.files.map((p) => p.status)).toEqual(files.map(() => 'put'));
      const items = await stage(id, files);
      before = queries();
      await service.confirm(id, items);
      const confirm = queries() - before;
      before = queries();
      await service.confirm(id, items);
      return { presign, confirm, again: queries() - before };
    };
    const one = await cost(1, 'one');
    expect(await cost(150, 'many')).toEqual(one);
    expect(one.presign).toBeLessThanOrEqual(5);
    expect(one.confirm).toBeLessThanOrEqual(4);
    expect(one.again).toBe(1);
    expect(await pending(id)).toEqual([]);
  });

  it('decides versions in request order against indexed and reserved ones', async () => {
    const id = await instance('versions');
    await upload(id, [{ path: 'output/p.txt', text: 'one' }]);
    // v2 reserved, not confirmed.
    expect((await service.presign(id, [file('output/p.txt', 'two')])).files[0]).toMatchObject({ version: 2 });
    const plans = await service.presign(id, [
      file('output/p.txt', 'three'),
      file('output/p.txt', 'two'),
      file('output/p.txt', 'one'),
      file('output/p.txt', 'four'),
      file('output/p.txt', 'three'),
      file('output/q.txt', 'one'),
    ]);
    expect(plans.files.map((p) => [p.status, p.version])).toEqual([
      ['put', 3],
      ['put', 2],
      ['indexed', 1],
      ['put', 4],
      ['put', 3],
      ['put', 1],
    ]);
    expect((await pending(id)).map((p) => `${p.path}@${p.version}`)).toEqual([
      'output/p.txt@2',
      'output/p.txt@3',
      'output/p.txt@4',
      'output/q.txt@1',
    ]);
  });

  it('keeps the version of a reservation whose size changed, with the new size', async () => {
    const id = await instance('resized');
    const a = file('output/r.txt', 'abc');
    expect((await service.presign(id, [a])).files[0]).toMatchObject({ version: 1 });
    const plans = await service.presign(id, [
      { ...a, sizeBytes: 5 },
      file('output/s.txt', 'x'),
      { ...file('output/s.txt', 'x'), sizeBytes: 7 },
    ]);
    expect(plans.files.map((p) => p.version)).toEqual([1, 1, 1]);
    expect(await pending(id)).toEqual([
      { path: 'output/r.txt', version: 1, sizeBytes: 5 },
      { path: 'output/s.txt', version: 1, sizeBytes: 7 },
    ]);
  });

  it('confirms a mixed batch idempotently, once per (path, version), removing the reservations', async () => {
    const id = await instance('mixed');
    await service.presign(id, [file('output/a.txt', 'a'), file('output/b.txt', 'b')]);
    const first = await upload(id, [{ path: 'output/a.txt', text: 'a' }]);
    const batch = await stage(id, [
      { path: 'output/b.txt', text: 'b' },
      { path: 'output/a.txt', text: 'a' },
      { path: 'output/b.txt', text: 'b' },
    ]);
    const { confirmed } = await service.confirm(id, batch);
    expect(confirmed.map((c) => c.path)).toEqual(['output/b.txt', 'output/a.txt', 'output/b.txt']);
    expect(confirmed[1]?.id).toBe(first.confirmed[0]?.id);
    expect(confirmed[2]?.id).toBe(confirmed[0]?.id);
    expect((await service.confirm(id, batch)).confirmed).toEqual(confirmed);
    expect(await pending(id)).toEqual([]);
    const rows = await db.query('select 1 from outputs where instance_id = $1', [id]);
    expect(rows).toHaveLength(2);
  });

  it('refuses a conflicting sha256 with 409 naming the first file in request order', async () => {
    const id = await instance('conflicts');
    await upload(id, [{ path: 'output/c.txt', text: 'c' }]);
    const other = { ...file('output/c.txt', 'other'), version: 1, key: stagingKey(id) };
    const [d] = await stage(id, [{ path: 'output/d.txt', text: 'd' }]);
    const indexed = await failure(service.confirm(id, [d as Item, other]));
    expect(indexed.statusCode).toBe(409);
    expect(indexed.message).toMatch(/^files\[1\]: version 1 of output\/c\.txt is already indexed/);
    // Two different files for one (path, version) in one batch: nothing of the batch is indexed.
    const [e] = (await stage(id, [{ path: 'output/e.txt', text: 'e' }])) as [Item];
    const twice = await failure(service.confirm(id, [e, { ...e, ...file('output/e.txt', 'f') }]));
    expect(twice.statusCode).toBe(409);
    expect(twice.message).toMatch(/^files\[1\]\.key: no upload of version 1 of output\/e\.txt/);
    // A file never presigned before a conflicting one: the first is reported.
    const g = { ...file('output/g.txt', 'g'), version: 1, key: stagingKey(id) };
    const missing = await failure(service.confirm(id, [g, other]));
    expect(missing.message).toMatch(/^files\[0\]\.key: /);
    const paths = await db.query<{ path: string }>('select path from outputs where instance_id = $1', [id]);
    expect(paths.map((p) => p.path)).toEqual(['output/c.txt']);
  });
});
