import { Writable } from 'node:stream';
import { SESSION_COOKIE } from '@podpilot/common';
import type { InjectOptions } from 'fastify';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { requestForLog } from '../logger.js';
import { FAKE_VAST_KEY } from '../providers/test-support/fake-vastai.js';
import { heartbeat } from '../test-support/agents.js';
import { asBearer, asOwner, hubRequests, sessionCookie, TEST_PASSWORD } from '../test-support/app.js';
import { type TestDatabase, testDatabases } from '../test-support/databases.js';
import { bootstrapTokenOf, fakeLaunchBody, useLifecycleHub } from '../test-support/lifecycle.js';

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
  const t = useLifecycleHub((pglite as TestDatabase).open, { deps: { logger } });
  const secrets: Record<string, string> = {};
  const answers: string[] = [];

  /** Every request of this run goes through here: its answer (body and headers) is kept for the check. */
  const { inject, stranger, owner, session, bearer, agent, register } = hubRequests(() => ({
    app: {
      async inject(opts: InjectOptions) {
        const res = await t.hub.app.inject(opts);
        answers.push(res.body, JSON.stringify(res.headers));
        return res;
      },
    },
    cookie: t.hub.cookie,
  }));

  const launchBody = (offerId: string, key: string) =>
    fakeLaunchBody({ offerId, idempotencyKey: `log-check-${key}` });

  beforeAll(() => {
    secrets.password = TEST_PASSWORD;
    secrets.setupCookie = t.hub.cookie;
  });

  it('runs the whole credential path', async () => {
    // Provider secrets through the API.
    for (const [name, value] of [
      ['vastai.api_key', FAKE_VAST_KEY],
      ['runpod.api_key', RUNPOD_KEY],
    ] as const) {
      const put = await owner('PUT', `/api/secrets/${name}`, { value });
      expect(put.statusCode).toBe(204);
    }
    secrets.vast = FAKE_VAST_KEY;
    secrets.runpod = RUNPOD_KEY;

    // Log in with the password (and fail once with a wrong one that looks like a secret too).
    const wrong = await stranger('POST', '/api/auth/login', { password: 'wrong-pass-0xDEADBEEF' });
    expect(wrong.statusCode).toBe(401);
    secrets.wrongPassword = 'wrong-pass-0xDEADBEEF';
    const login = await stranger('POST', '/api/auth/login', { password: TEST_PASSWORD });
    expect(login.statusCode).toBe(200);
    const cookie = sessionCookie(login) as string;
    answers.splice(-2); // the login answer sets the cookie on purpose
    secrets.cookie = cookie;

    // An API token, used once.
    const created = await session(cookie, 'POST', '/api/tokens', { name: 'log-check' });
    expect(created.statusCode).toBe(201);
    const apiToken = created.json().token as string;
    secrets.apiToken = apiToken;
    answers.pop(); // its own creation answer carries it on purpose
    answers.pop();
    expect((await bearer(apiToken, 'GET', '/api/instances')).statusCode).toBe(200);

    // Launch on the Vast fake; the bootstrap token travels in the rental's environment.
    const launched = await bearer(apiToken, 'POST', '/api/instances', launchBody('100000', '0001'));
    expect(launched.statusCode).toBe(201);
    const id = launched.json().id as string;
    // Under load the launch call may time out and be left to the reconciler: let it find the rental.
    if (!t.fake.instances().some((i) => i.label === `podpilot-${id}`))
      await t.hub.services.reconciler.reconcileOnce();
    const bootstrap = bootstrapTokenOf(t.fake, id);
    expect(bootstrap, JSON.stringify(launched.json())).toBeTruthy();
    secrets.bootstrap = bootstrap;

    // The agent registers and heartbeats.
    const reg = await register(bootstrap);
    expect(reg.statusCode).toBe(200);
    const agentToken = reg.json().agentToken as string;
    secrets.agentToken = agentToken;
    answers.pop();
    answers.pop();
    const hb = await agent(agentToken, 'POST', 'heartbeat', heartbeat());
    expect(hb.statusCode).toBe(200);

    // Refused and failing requests carrying credentials: a reused bootstrap token, tokens where they do not
    // belong, a malformed body next to a token, a provider failure during a launch.
    for (const request of [
      {
        method: 'POST',
        url: '/agent/v1/register',
        payload: { bootstrapToken: bootstrap, agentVersion: '0.1.0' },
      },
      { method: 'GET', url: '/api/instances', headers: asBearer(agentToken) },
      {
        method: 'POST',
        url: '/agent/v1/heartbeat',
        headers: asBearer(apiToken),
        payload: {},
      },
      {
        method: 'POST',
        url: '/agent/v1/heartbeat',
        headers: asBearer(agentToken),
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
    const failed = await session(cookie, 'POST', '/api/instances', launchBody('100001', '0002'));
    expect(failed.statusCode).toBeLessThan(500);
    await t.hub.services.reconciler.reconcileOnce();

    // Log out: the cookie is dead, and was never printed.
    expect((await session(cookie, 'POST', '/api/auth/logout')).statusCode).toBe(204);
  });

  it("keeps a presigned storage URL's signature out of the log", async () => {
    const url = new URL(await t.hub.storage.presignGet('files/log-check.txt', { expiresInSeconds: 600 }));
    const sig = url.searchParams.get('sig') as string;
    await stranger('GET', `${url.pathname}${url.search}`);
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
