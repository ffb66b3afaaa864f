import { AGENT_API_PREFIX, catalogueEntries, UNCATALOGUED_ROUTES } from '@podpilot/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { type TestHub, testHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';

const [pglite] = testDatabases();

const key = (method: string, path: string) => `${method} ${path}`;
const isApi = (url: string) => url.startsWith('/api/') || url.startsWith(`${AGENT_API_PREFIX}/`);

describe('the endpoint catalogue against the routes the hub registers', () => {
  let db: Db;
  let hub: TestHub;
  beforeAll(async () => {
    db = await (pglite?.open() as Promise<Db>);
    hub = await testHub(db);
  });
  afterAll(async () => {
    await hub.close();
    await db.close();
  });

  // HEAD routes are Fastify's automatic twins of GET routes.
  const registered = () => hub.routes.filter((r) => r.method !== 'HEAD');
  const exceptions = new Set(UNCATALOGUED_ROUTES.map((r) => key(r.method, r.path)));
  const entries = catalogueEntries();

  it('has one entry per method and path', () => {
    const keys = entries.map((e) => key(e.method, e.path));
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('holds every /api and /agent/v1 route the hub registers (the named exceptions aside)', () => {
    const catalogued = new Set(entries.map((e) => key(e.method, e.path)));
    const missing = registered()
      .filter((r) => isApi(r.url))
      .map((r) => key(r.method, r.url))
      .filter((k) => !catalogued.has(k) && !exceptions.has(k));
    expect(missing).toEqual([]);
  });

  it('holds no entry the hub does not register, and every exception is a real route', () => {
    const served = new Set(registered().map((r) => key(r.method, r.url)));
    const unserved = [...entries.map((e) => key(e.method, e.path)), ...exceptions].filter(
      (k) => !served.has(k),
    );
    expect(unserved).toEqual([]);
  });

  it('says who may call each route as the hub enforces it', () => {
    const byKey = new Map(registered().map((r) => [key(r.method, r.url), r]));
    const wrong = entries
      .filter((e) => {
        const route = byKey.get(key(e.method, e.path));
        const agentPath = e.path.startsWith(`${AGENT_API_PREFIX}/`);
        // Outside /api and /agent/v1 no auth hook runs: the mark is needed only there.
        const markedPublic = e.auth === 'public' && isApi(e.path);
        return (
          route === undefined ||
          route.public !== markedPublic ||
          (e.auth === 'agent' && !agentPath) ||
          (e.auth === 'owner' && !e.path.startsWith('/api/'))
        );
      })
      .map((e) => `${key(e.method, e.path)} (${e.auth})`);
    expect(wrong).toEqual([]);
  });
});
