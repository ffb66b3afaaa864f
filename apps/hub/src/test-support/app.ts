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

/** The test hub after owner setup: `cookie` is the owner's session. */
export type OwnerHub = TestHub & { cookie: string };

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
): Promise<OwnerHub> {
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
/** Headers of a request with a token (an API, agent or other token): `Authorization: Bearer <token>`. */
export const asBearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Where `hubRequests` sends: a test hub, or an app of its own beside it, and the owner's session if any. */
export interface RequestTarget {
  app: { inject(opts: InjectOptions): Promise<LightMyRequestResponse> };
  cookie?: string;
}

type Method = InjectOptions['method'];
type Headers = Record<string, string>;
/** A request sent with a credential (a session cookie, a token) first. */
type Send<Credential> = (
  credential: Credential,
  method: Method,
  url: string,
  payload?: unknown,
  headers?: Headers,
) => Promise<LightMyRequestResponse>;

/** The content type of a profile sent as YAML text. */
export const YAML_BODY = { 'content-type': 'application/yaml' };
/** The content type of a body sent as JSON text as it is (malformed on purpose, say). */
export const JSON_BODY = { 'content-type': 'application/json' };

/**
 * Requests against a test hub by inject, each spelled once: `stranger` without credentials, `owner` with the
 * owner's session (`session` with another one), `bearer` with an API token, `agent` with an agent token (paths
 * without a leading `/` are under `/agent/v1/`; a null token sends none), `register` to trade a bootstrap token,
 * `putProfile` to apply a profile's YAML, and `ok`, which throws with the hub's answer for any status of 300 or
 * more. Each takes extra `headers` last. `target` is read per call (tests set it in `beforeAll`).
 */
export function hubRequests(target: () => RequestTarget) {
  const inject = (opts: InjectOptions) => target().app.inject(opts);
  const stranger = (method: Method, url: string, payload?: unknown, headers: Headers = {}) =>
    inject({ method, url, payload: payload as object, headers });
  const session: Send<string> = (cookie, method, url, payload, headers = {}) =>
    stranger(method, url, payload, { ...asOwner(cookie), ...headers });
  const owner = (method: Method, url: string, payload?: unknown, headers: Headers = {}) => {
    const { cookie } = target();
    if (cookie === undefined) throw new Error('hubRequests: this hub has no owner session');
    return session(cookie, method, url, payload, headers);
  };
  const bearer: Send<string | null> = (token, method, url, payload, headers = {}) =>
    stranger(method, url, payload, {
      ...(token === null ? {} : asBearer(token)),
      ...headers,
    });
  const agent: Send<string | null> = (token, method, path, payload, headers) =>
    bearer(token, method, path.startsWith('/') ? path : `/agent/v1/${path}`, payload, headers);
  const register = (bootstrapToken: string, agentVersion = '0.1.0') =>
    stranger('POST', '/agent/v1/register', { bootstrapToken, agentVersion });
  const putProfile = (name: string, yaml: string) => owner('PUT', `/api/profiles/${name}`, yaml, YAML_BODY);
  const ok = (res: LightMyRequestResponse, what: string) => {
    if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
    return res;
  };
  return { inject, stranger, session, owner, bearer, agent, register, putProfile, ok };
}

/**
 * For one describe block: a fresh database from `open` and what `start` builds on it (a hub), both closed after
 * the block. Read `db` and `hub` inside hooks and tests (they are set in `beforeAll`).
 */
export function useHubOn<H extends { close(): Promise<void> }>(
  open: () => Promise<Db>,
  start: (db: Db) => Promise<H>,
): { readonly db: Db; readonly hub: H } {
  let db: Db | undefined;
  let hub: H | undefined;
  beforeAll(async () => {
    db = await open();
    hub = await start(db);
  });
  afterAll(async () => {
    await hub?.close();
    await db?.close();
  });
  return {
    get db() {
      if (!db) throw new Error('the database is opened in beforeAll');
      return db;
    },
    get hub() {
      if (!hub) throw new Error('the hub starts in beforeAll');
      return hub;
    },
  };
}

/** For one describe block: a test hub (no owner yet) on a fresh database from `open` (see `useHubOn`). */
export const useTestHub = (
  open: () => Promise<Db>,
  config: Partial<AppConfig> = {},
  deps: Partial<AppDeps> = {},
) => useHubOn(open, (db) => testHub(db, config, deps));

/** For one describe block: a test hub with the owner set up on a fresh database from `open` (see `useHubOn`). */
export const useOwnerHub = (
  open: () => Promise<Db>,
  config: Partial<AppConfig> = {},
  deps: Partial<AppDeps> = {},
) => useHubOn(open, (db) => appWithOwner(db, config, deps));

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
