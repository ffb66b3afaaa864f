import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import { CSRF_HEADER, SESSION_COOKIE } from '@podpilot/common';
import Fastify, { type FastifyInstance, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { type AppConfig, type AppDeps, buildApp, type HubApp } from '../app.js';
import type { Db } from '../db/db.js';
import { registerAuth } from '../plugins/auth.js';
import { registerErrorHandler } from '../plugins/errors.js';
import { useZodCompilers } from '../plugins/zod-compilers.js';
import { LocalStorage } from '../storage/index.js';

export const TEST_PASSWORD = 'correct horse battery staple';

export const testAppConfig: AppConfig = {
  sessionTtlMs: 3_600_000,
  loginMaxPerMinute: 1000,
  webDir: '/nonexistent-web-build',
  publicUrl: undefined,
};

export interface TestHub extends HubApp {
  /** `http://127.0.0.1:<port>`: the app really listens, so presigned local-storage URLs work. */
  url: string;
  storage: LocalStorage;
  close(): Promise<void>;
}

/** The hub app on `db` with local storage in a temp folder, listening on a free loopback port. */
export async function testHub(
  db: Db,
  config: Partial<AppConfig> = {},
  deps: Partial<AppDeps> = {},
  listen: { port?: number } = {},
): Promise<TestHub> {
  const home = await mkdtemp(join(tmpdir(), 'podpilot-test-hub-'));
  let url = '';
  const storage = new LocalStorage({
    root: join(home, 'storage'),
    keyFile: join(home, 'keys', 'url.key'),
    baseUrl: () => url,
  });
  const hub = await buildApp({ ...testAppConfig, ...config }, db, { storage, home, ...deps });
  await hub.app.listen({ host: '127.0.0.1', port: listen.port ?? 0 });
  url = `http://127.0.0.1:${(hub.app.server.address() as AddressInfo).port}`;
  return {
    ...hub,
    url,
    storage,
    async close() {
      await hub.app.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** The session cookie value set by a response, if any. */
export function sessionCookie(res: LightMyRequestResponse): string | undefined {
  return res.cookies.find((c) => c.name === SESSION_COOKIE)?.value;
}

/** A test hub with the owner set up; `cookie` is the owner's session. */
export async function appWithOwner(
  db: Db,
  config: Partial<AppConfig> = {},
  deps: Partial<AppDeps> = {},
): Promise<TestHub & { cookie: string }> {
  const hub = await testHub(db, config, deps);
  const token = await hub.services.auth.issueSetupToken();
  const res = await hub.app.inject({
    method: 'POST',
    url: '/api/auth/setup',
    payload: { token, password: TEST_PASSWORD },
  });
  const cookie = sessionCookie(res);
  if (res.statusCode !== 200 || !cookie) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
  return Object.assign(hub, { cookie });
}

/** Headers of a logged-in browser request (session cookie plus the CSRF header). */
export const asOwner = (cookie: string) => ({ cookie: `${SESSION_COOKIE}=${cookie}`, [CSRF_HEADER]: '1' });

/**
 * Requests against a test hub by inject: `owner` with the session (and `extra` headers), `agent` with an agent
 * token (paths without a leading `/` are under `/agent/v1/`), and `ok`, which throws with the hub's answer for
 * any status of 300 or more. `hub` is read per call (tests set it in `beforeAll`).
 */
export function hubRequests(hub: () => TestHub & { cookie: string }) {
  const inject = (opts: InjectOptions) => hub().app.inject(opts);
  const owner = (method: InjectOptions['method'], url: string, payload?: unknown, extra = {}) =>
    inject({ method, url, payload: payload as object, headers: { ...asOwner(hub().cookie), ...extra } });
  const agent = (token: string, method: InjectOptions['method'], path: string, payload?: unknown) =>
    inject({
      method,
      url: path.startsWith('/') ? path : `/agent/v1/${path}`,
      payload: payload as object,
      headers: { authorization: `Bearer ${token}` },
    });
  const ok = (res: LightMyRequestResponse, what: string) => {
    if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
    return res;
  };
  return { inject, owner, agent, ok };
}

/**
 * For one describe block: a fresh database from `open` and a test hub with the owner set up, both closed
 * after the block. Read `db` and `hub` inside hooks and tests (they are set in `beforeAll`).
 */
export function useOwnerHub(
  open: () => Promise<Db>,
  config: Partial<AppConfig> = {},
  deps: Partial<AppDeps> = {},
): { readonly db: Db; readonly hub: TestHub & { cookie: string } } {
  let db: Db | undefined;
  let hub: (TestHub & { cookie: string }) | undefined;
  beforeAll(async () => {
    db = await open();
    hub = await appWithOwner(db, config, deps);
  });
  afterAll(async () => {
    await hub?.close();
    await db?.close();
  });
  return {
    get db() {
      if (!db) throw new Error('useOwnerHub: the database is opened in beforeAll');
      return db;
    },
    get hub() {
      if (!hub) throw new Error('useOwnerHub: the hub starts in beforeAll');
      return hub;
    },
  };
}

/**
 * A Fastify app of its own with the hub's zod compilers, error format, cookies and owner auth (as app.ts sets
 * them up) on `hub`'s services: register routes on it to test them before app.ts does, or with other deps.
 */
export async function routesTestApp(hub: TestHub): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  useZodCompilers(app);
  registerErrorHandler(app);
  await app.register(fastifyCookie);
  registerAuth(app, hub.services.auth, hub.services.apiTokens);
  return app;
}
