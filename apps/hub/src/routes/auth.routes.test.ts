import { CSRF_HEADER, SESSION_COOKIE } from '@podpilot/common';
import { beforeAll, describe, expect, it } from 'vitest';
import { hubRequests, sessionCookie, TEST_PASSWORD, useTestHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';

describe.each(testDatabases())('owner setup and login on $engine', ({ open }) => {
  const t = useTestHub(open, { loginMaxPerMinute: 5 });
  let setupToken: string;
  beforeAll(async () => {
    setupToken = (await t.hub.services.auth.issueSetupToken()) ?? '';
  });

  const { stranger, session } = hubRequests(() => t.hub);
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    stranger('POST', url, payload, headers);

  it('says setup is required before the owner exists, and login is refused', async () => {
    const state = await stranger('GET', '/api/auth/state');
    expect(state.json()).toEqual({ setupRequired: true, user: null });
    const login = await post('/api/auth/login', { password: TEST_PASSWORD });
    expect(login.statusCode).toBe(409);
    expect(login.json().error.code).toBe('setup_required');
  });

  it('rejects a short password naming the field, and changes nothing', async () => {
    const res = await post('/api/auth/setup', { token: setupToken, password: 'short' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'invalid_request',
      issues: [{ path: 'body.password', message: 'expected at least 12 characters' }],
    });
    expect(await t.hub.services.auth.isSetupRequired()).toBe(true);
  });

  it('rejects a wrong setup token', async () => {
    const res = await post('/api/auth/setup', { token: 'not-the-token', password: TEST_PASSWORD });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/setup link is invalid, expired or already used/);
  });

  it('sets the password with the link token and starts an HttpOnly, SameSite=Lax session', async () => {
    const res = await post('/api/auth/setup', { token: setupToken, password: TEST_PASSWORD });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ setupRequired: false, user: { username: 'owner' } });
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const me = await session(cookie?.value ?? '', 'GET', '/api/auth/state');
    expect(me.json().user.username).toBe('owner');
  });

  it('refuses a second setup, even with the same token', async () => {
    const res = await post('/api/auth/setup', { token: setupToken, password: 'another password!' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('setup_done');
    expect(await t.hub.services.auth.issueSetupToken()).toBeNull();
  });

  it('logs in with the right password only', async () => {
    const wrong = await post('/api/auth/login', { password: 'not the password' });
    expect(wrong.statusCode).toBe(401);
    expect(sessionCookie(wrong)).toBeUndefined();
    const right = await post('/api/auth/login', { password: TEST_PASSWORD });
    expect(right.statusCode).toBe(200);
    expect(sessionCookie(right)).toMatch(/^[\w-]{40,}$/);
  });

  it('requires the CSRF header on state-changing cookie requests', async () => {
    const login = await post('/api/auth/login', { password: TEST_PASSWORD });
    const cookie = `${SESSION_COOKIE}=${sessionCookie(login)}`;
    const noHeader = await post('/api/tokens', { name: 'x' }, { cookie });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error.message).toContain(CSRF_HEADER);
    const withHeader = await post('/api/tokens', { name: 'x' }, { cookie, [CSRF_HEADER]: '1' });
    expect(withHeader.statusCode).toBe(201);
  });

  it('ends the session on logout', async () => {
    const login = await post('/api/auth/login', { password: TEST_PASSWORD });
    const cookie = sessionCookie(login) ?? '';
    expect((await session(cookie, 'GET', '/api/instances')).statusCode).toBe(200);
    const out = await session(cookie, 'POST', '/api/auth/logout', {});
    expect(out.statusCode).toBe(204);
    expect((await session(cookie, 'GET', '/api/instances')).statusCode).toBe(401);
  });

  it('rate-limits login attempts with 429 and Retry-After', async () => {
    const codes: number[] = [];
    let last: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 8; i++) {
      last = await post('/api/auth/login', { password: 'guessing wrong' }, { 'x-test': String(i) });
      codes.push(last.statusCode);
    }
    expect(codes).toContain(429);
    expect(last?.statusCode).toBe(429);
    expect(last?.json().error.code).toBe('rate_limited');
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
  });
});
