import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '../db/db.js';
import { appWithOwner, asOwner, hubRequests, JSON_BODY, type OwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { registerErrorHandler } from './errors.js';
import { contentSecurityPolicy } from './security-headers.js';
import { registerWeb } from './web.js';

const EXPECTED_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** The CSP directives as a map (`img-src` → its sources). */
const directives = (csp: string) =>
  new Map(
    csp.split(';').map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name as string, sources];
    }),
  );

function expectSecurityHeaders(headers: Record<string, unknown>, what: string): void {
  for (const [name, value] of Object.entries(EXPECTED_HEADERS))
    expect(headers[name], `${what}: ${name}`).toBe(value);
  const csp = directives(String(headers['content-security-policy']));
  expect(csp.get('default-src'), what).toEqual(["'self'"]);
  expect(csp.get('frame-ancestors'), what).toEqual(["'none'"]);
  expect(csp.get('base-uri'), what).toEqual(["'self'"]);
  expect(csp.get('form-action'), what).toEqual(["'self'"]);
  expect(csp.get('img-src'), what).toEqual(expect.arrayContaining(["'self'", 'data:', 'blob:']));
  const cors = Object.keys(headers).filter((h) => h.startsWith('access-control-'));
  expect(cors, `${what}: CORS headers`).toEqual([]);
}

describe('content security policy', () => {
  it('is same-origin only without storage origins', () => {
    const csp = directives(contentSecurityPolicy());
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toBeUndefined(); // falls back to default-src 'self': no inline scripts
  });

  it('adds the storage origins (not their paths) to images, media and uploads', () => {
    const csp = directives(
      contentSecurityPolicy({
        storageOrigins: [
          'https://bucket.acc.r2.cloudflarestorage.com/some/path?x=1',
          'http://127.0.0.1:9000',
        ],
      }),
    );
    for (const d of ['img-src', 'media-src', 'connect-src'])
      expect(csp.get(d)).toEqual(
        expect.arrayContaining(['https://bucket.acc.r2.cloudflarestorage.com', 'http://127.0.0.1:9000']),
      );
    expect(csp.get('default-src')).toEqual(["'self'"]);
  });

  it('refuses an origin that is not an http(s) URL', () => {
    expect(() => contentSecurityPolicy({ storageOrigins: ["'unsafe-inline'"] })).toThrow();
    expect(() => contentSecurityPolicy({ storageOrigins: ['javascript:alert(1)'] })).toThrow();
  });

  it('registerWeb passes the storage origins through', async () => {
    const app = Fastify();
    registerErrorHandler(app);
    await registerWeb(app, '/nonexistent-web-build', { storageOrigins: ['https://s3.example.com'] });
    const res = await app.inject({ method: 'GET', url: '/api/nope' });
    expect(directives(String(res.headers['content-security-policy'])).get('img-src')).toContain(
      'https://s3.example.com',
    );
    await app.close();
  });
});

const [pglite] = testDatabases();

describe('security headers, CORS and error bodies on the hub', () => {
  let db: Db;
  let hub: OwnerHub;
  let webDir: string;
  const { inject, stranger, owner } = hubRequests(() => hub);
  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'podpilot-web-'));
    await writeFile(join(webDir, 'index.html'), '<!doctype html><title>t</title>');
    db = await (pglite?.open() as Promise<Db>);
    hub = await appWithOwner(db, { webDir });
  });
  afterAll(async () => {
    await hub?.close();
    await db?.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it('sets them on the web app, the API, the agent API, storage URLs, errors and 404s', async () => {
    const storageUrl = new URL(await hub.storage.presignGet('files/missing', { expiresInSeconds: 60 }));
    const cases: [string, InjectOptions, number][] = [
      ['web app', { method: 'GET', url: '/' }, 200],
      ['deep link', { method: 'GET', url: '/instances/abc' }, 200],
      ['health', { method: 'GET', url: '/health' }, 200],
      ['api (owner)', { method: 'GET', url: '/api/instances', headers: asOwner(hub.cookie) }, 200],
      ['api 401', { method: 'GET', url: '/api/instances' }, 401],
      ['api 400', { method: 'POST', url: '/api/auth/login', payload: { password: 1 } }, 400],
      ['api 404', { method: 'GET', url: '/api/nope', headers: asOwner(hub.cookie) }, 404],
      ['agent 401', { method: 'POST', url: '/agent/v1/heartbeat', payload: {} }, 401],
      ['storage 404', { method: 'GET', url: `${storageUrl.pathname}${storageUrl.search}` }, 404],
      ['storage 403', { method: 'GET', url: '/storage/v1/object?key=files/x&op=get&exp=1&sig=00' }, 403],
      ['not found (POST)', { method: 'POST', url: '/nowhere' }, 404],
    ];
    for (const [what, request, status] of cases) {
      const res = await inject(request);
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
      expectSecurityHeaders(res.headers, what);
    }
  });

  it('answers a cross-origin preflight and request with no CORS headers at all', async () => {
    for (const url of ['/api/instances', '/api/auth/login', '/agent/v1/heartbeat', '/health', '/']) {
      const preflight = await stranger('OPTIONS', url, undefined, {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-podpilot-csrf',
      });
      expect(preflight.headers['access-control-allow-origin'], url).toBeUndefined();
      expect(preflight.headers['access-control-allow-credentials'], url).toBeUndefined();
      expect(preflight.statusCode, url).toBeGreaterThanOrEqual(400);
      const simple = await owner('GET', url, undefined, { origin: 'https://evil.example' });
      expectSecurityHeaders(simple.headers, `GET ${url} from another origin`);
    }
  });

  it('answers an internal error as {error:{code:internal}} without stack, message or path of the cause', async () => {
    const boom = new Error('db exploded at /home/secret/podpilot.db: password=hunter2');
    const spy = vi.spyOn(hub.services.instances, 'list').mockRejectedValueOnce(boom);
    try {
      const res = await owner('GET', '/api/instances');
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({
        error: { code: 'internal', message: expect.any(String) },
      });
      expect(res.body).not.toMatch(/exploded|hunter2|\/home\/secret|at .*\.ts:\d+|stack/i);
      expectSecurityHeaders(res.headers, 'internal error');
    } finally {
      spy.mockRestore();
    }
  });

  it('compares storage URL signatures in constant time without throwing on odd lengths (403, not 500)', async () => {
    const good = new URL(await hub.storage.presignGet('files/ct.txt', { expiresInSeconds: 60 }));
    const sig = good.searchParams.get('sig') as string;
    for (const forged of [
      '',
      sig.slice(0, -1),
      `${sig}00`,
      sig.toUpperCase(),
      `${sig.slice(0, -1)}g`,
      'é'.repeat(32),
    ]) {
      const url = new URL(good);
      url.searchParams.set('sig', forged);
      const res = await stranger('GET', `${url.pathname}${url.search}`);
      expect(res.statusCode, JSON.stringify(forged)).toBe(403);
    }
  });

  it('never puts a stack in a client error either (malformed JSON, unsupported type, oversized body)', async () => {
    const cases = [
      { payload: '{"password":', headers: JSON_BODY },
      { payload: 'x', headers: { 'content-type': 'application/x-unknown' } },
      { payload: JSON.stringify({ password: 'x'.repeat(2 * 1024 * 1024) }), headers: JSON_BODY },
    ];
    for (const c of cases) {
      const res = await stranger('POST', '/api/auth/login', c.payload, c.headers);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      const body = res.json();
      expect(Object.keys(body)).toEqual(['error']);
      expect(res.body).not.toMatch(/"stack"|node_modules|\.js:\d+/);
      expectSecurityHeaders(res.headers, `login with ${c.headers['content-type']}`);
    }
  });
});
