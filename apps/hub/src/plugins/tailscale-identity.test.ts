import { CSRF_HEADER } from '@podpilot/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { appWithOwner, type TestHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';

const OWNER = 'alice@example.com';

describe.each(testDatabases())('the owner through `tailscale serve` ($engine)', ({ open }) => {
  const hubs = new Map<string | undefined, { hub: TestHub; db: Db }>();
  beforeAll(async () => {
    for (const owner of [OWNER, undefined]) {
      const db = await open();
      hubs.set(owner, { db, hub: await appWithOwner(db, { tailscaleOwner: owner }) });
    }
  });
  afterAll(async () => {
    for (const { hub, db } of hubs.values()) {
      await hub.close();
      await db.close();
    }
  });
  const call = (
    tailscaleOwner: string | undefined,
    req: { method?: 'GET' | 'POST'; url: string; headers?: Record<string, string>; remoteAddress?: string },
  ) =>
    (hubs.get(tailscaleOwner) as { hub: TestHub }).hub.app.inject({
      method: req.method ?? 'GET',
      url: req.url,
      headers: req.headers,
      remoteAddress: req.remoteAddress ?? '127.0.0.1',
      payload: req.method === 'POST' ? {} : undefined,
    });
  const served = { 'tailscale-user-login': OWNER };

  it('logs the owner in from the local serve proxy with the configured login', async () => {
    expect((await call(OWNER, { url: '/api/instances', headers: served })).statusCode).toBe(200);
    const state = await call(OWNER, {
      url: '/api/auth/state',
      headers: { 'tailscale-user-login': 'ALICE@example.com' },
    });
    expect(state.json().user).toMatchObject({ username: expect.any(String) });
  });

  it('refuses when it is off, the login differs, or the request does not come from this machine', async () => {
    expect((await call(undefined, { url: '/api/instances', headers: served })).statusCode).toBe(401);
    const other = { 'tailscale-user-login': 'mallory@example.com' };
    expect((await call(OWNER, { url: '/api/instances', headers: other })).statusCode).toBe(401);
    const remote = { url: '/api/instances', headers: served, remoteAddress: '100.64.0.7' };
    expect((await call(OWNER, remote)).statusCode).toBe(401);
    expect((await call(OWNER, { url: '/api/auth/state', headers: other })).json().user).toBeNull();
  });

  it('needs the CSRF header to change anything, like a session', async () => {
    const post = { method: 'POST' as const, url: '/api/instances/00000000-0000-4000-8000-000000000000/sync' };
    expect((await call(OWNER, { ...post, headers: served })).statusCode).toBe(403);
    expect((await call(OWNER, { ...post, headers: { ...served, [CSRF_HEADER]: '1' } })).statusCode).toBe(404);
  });
});
