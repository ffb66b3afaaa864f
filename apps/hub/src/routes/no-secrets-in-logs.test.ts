import { Writable } from 'node:stream';
import { SESSION_COOKIE } from '@podpilot/common';
import type { InjectOptions } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { requestForLog } from '../logger.js';
import { FAKE_VAST_KEY } from '../providers/test-support/fake-vastai.js';
import { asOwner, sessionCookie, TEST_PASSWORD } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { type LifecycleTestHub, lifecycleHub } from '../test-support/lifecycle.js';

const [pglite] = testDatabases();

/**
 * Every credential the hub handles goes through one run (setup, login, secrets, API token, launch on the Vast
 * fake, agent register and heartbeat, refused and failing requests) with the logger at `trace` and *no*
 * redaction of its own; none of them may appear in the log text or in an error answer.
 */
describe('no secret reaches the log or an error answer', () => {
  const logged: string[] = [];
  const logger = pino(
    // Requests are logged the way the hub's own logger logs them (no redaction list: that is the point).
    { level: 'trace', serializers: { req: requestForLog } },
    new Writable({
      write(chunk, _enc, done) {
        logged.push(String(chunk));
        done();
      },
    }),
  );
  // Not tailscale.api_key: with it set, launches also ask Tailscale (the network) for an auth key.
  const RUNPOD_KEY = 'rpa_VerySecretValue0123456789abcdef';
  let db: Db;
  let t: LifecycleTestHub;
  const secrets: Record<string, string> = {};
  const answers: string[] = [];

  const inject = async (opts: InjectOptions) => {
    const res = await t.hub.app.inject(opts);
    answers.push(res.body, JSON.stringify(res.headers));
    return res;
  };

  beforeAll(async () => {
    db = await (pglite?.open() as Promise<Db>);
    t = await lifecycleHub(db, { deps: { logger } });
    secrets.password = TEST_PASSWORD;
    secrets.setupCookie = t.hub.cookie;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  it('runs the whole credential path', async () => {
    const headers = asOwner(t.hub.cookie);
    // Provider secrets through the API.
    for (const [name, value] of [
      ['vastai.api_key', FAKE_VAST_KEY],
      ['runpod.api_key', RUNPOD_KEY],
    ] as const) {
      const put = await inject({ method: 'PUT', url: `/api/secrets/${name}`, headers, payload: { value } });
      expect(put.statusCode).toBe(204);
    }
    secrets.vast = FAKE_VAST_KEY;
    secrets.runpod = RUNPOD_KEY;

    // Log in with the password (and fail once with a wrong one that looks like a secret too).
    const wrong = await inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { password: 'wrong-pass-0xDEADBEEF' },
    });
    expect(wrong.statusCode).toBe(401);
    secrets.wrongPassword = 'wrong-pass-0xDEADBEEF';
    const login = await inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { password: TEST_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const cookie = sessionCookie(login) as string;
    answers.splice(-2); // the login answer sets the cookie on purpose
    secrets.cookie = cookie;

    // An API token, used once.
    const created = await inject({
      method: 'POST',
      url: '/api/tokens',
      headers: asOwner(cookie),
      payload: { name: 'log-check' },
    });
    expect(created.statusCode).toBe(201);
    const apiToken = created.json().token as string;
    secrets.apiToken = apiToken;
    answers.pop(); // its own creation answer carries it on purpose
    answers.pop();
    expect(
      (
        await inject({
          method: 'GET',
          url: '/api/instances',
          headers: { authorization: `Bearer ${apiToken}` },
        })
      ).statusCode,
    ).toBe(200);

    // Launch on the Vast fake; the bootstrap token travels in the rental's environment.
    const launched = await inject({
      method: 'POST',
      url: '/api/instances',
      headers: { authorization: `Bearer ${apiToken}` },
      payload: { profile: 'tiny', provider: 'vastai', offerId: '100000', idempotencyKey: 'log-check-0001' },
    });
    expect(launched.statusCode).toBe(201);
    const id = launched.json().id as string;
    const rental = () => t.fake.instances().find((i) => i.label === `podpilot-${id}`);
    // Under load the launch call may time out and be left to the reconciler: let it find the rental.
    if (!rental()) await t.hub.services.reconciler.reconcileOnce();
    const env = (rental()?.extra_env ?? []) as [string, string][];
    const bootstrap = env.find(([k]) => k === 'PODPILOT_BOOTSTRAP_TOKEN')?.[1] as string;
    expect(bootstrap, JSON.stringify(launched.json())).toBeTruthy();
    secrets.bootstrap = bootstrap;

    // The agent registers and heartbeats.
    const reg = await inject({
      method: 'POST',
      url: '/agent/v1/register',
      payload: { bootstrapToken: bootstrap, agentVersion: '0.1.0' },
    });
    expect(reg.statusCode).toBe(200);
    const agentToken = reg.json().agentToken as string;
    secrets.agentToken = agentToken;
    answers.pop();
    answers.pop();
    const hb = await inject({
      method: 'POST',
      url: '/agent/v1/heartbeat',
      headers: { authorization: `Bearer ${agentToken}` },
      payload: { agentVersion: '0.1.0', sentAt: new Date().toISOString(), phase: 'ready' },
    });
    expect(hb.statusCode).toBe(200);

    // Refused and failing requests carrying credentials: a reused bootstrap token, tokens where they do not
    // belong, a malformed body next to a token, a provider failure during a launch.
    for (const request of [
      {
        method: 'POST',
        url: '/agent/v1/register',
        payload: { bootstrapToken: bootstrap, agentVersion: '0.1.0' },
      },
      { method: 'GET', url: '/api/instances', headers: { authorization: `Bearer ${agentToken}` } },
      {
        method: 'POST',
        url: '/agent/v1/heartbeat',
        headers: { authorization: `Bearer ${apiToken}` },
        payload: {},
      },
      {
        method: 'POST',
        url: '/agent/v1/heartbeat',
        headers: { authorization: `Bearer ${agentToken}` },
        payload: { agentVersion: apiToken },
      },
      { method: 'GET', url: '/api/instances', headers: { cookie: `${SESSION_COOKIE}=${cookie}x` } },
      { method: 'POST', url: '/api/auth/setup', payload: { token: bootstrap, password: TEST_PASSWORD } },
      {
        method: 'PUT',
        url: '/api/secrets/nope',
        headers: asOwner(cookie),
        payload: { value: RUNPOD_KEY },
      },
    ] as InjectOptions[]) {
      const res = await inject(request);
      expect(res.statusCode, `${request.method} ${request.url}`).toBeGreaterThanOrEqual(400);
    }
    t.fake.fail('launch', { status: 500, body: { error: 'boom' } });
    const failed = await inject({
      method: 'POST',
      url: '/api/instances',
      headers: asOwner(cookie),
      payload: { profile: 'tiny', provider: 'vastai', offerId: '100001', idempotencyKey: 'log-check-0002' },
    });
    expect(failed.statusCode).toBeLessThan(500);
    await t.hub.services.reconciler.reconcileOnce();

    // Log out: the cookie is dead, and was never printed.
    expect(
      (await inject({ method: 'POST', url: '/api/auth/logout', headers: asOwner(cookie) })).statusCode,
    ).toBe(204);
  });

  it("keeps a presigned storage URL's signature out of the log", async () => {
    const url = new URL(await t.hub.storage.presignGet('files/log-check.txt', { expiresInSeconds: 600 }));
    const sig = url.searchParams.get('sig') as string;
    await inject({ method: 'GET', url: `${url.pathname}${url.search}` });
    expect(logged.join('')).not.toContain(sig);
  });

  it('finds none of them in the log text or the error answers', () => {
    const text = logged.join('');
    expect(text.length).toBeGreaterThan(1000); // the logger really logged (requests, responses, …)
    expect(logger.level).toBe('trace');
    expect(text).toContain('"msg":"incoming request"');
    const leaks: string[] = [];
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length, name).toBeGreaterThanOrEqual(8);
      if (text.includes(value)) leaks.push(`log: ${name}`);
      if (answers.some((a) => a.includes(value))) leaks.push(`answer: ${name}`);
    }
    expect(leaks).toEqual([]);
  });
});
