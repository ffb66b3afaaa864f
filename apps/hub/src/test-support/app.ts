import { CSRF_HEADER, SESSION_COOKIE } from '@podpilot/common';
import type { LightMyRequestResponse } from 'fastify';
import { type AppConfig, buildApp, type HubApp } from '../app.js';
import type { Db } from '../db/db.js';

export const TEST_PASSWORD = 'correct horse battery staple';

export const testAppConfig: AppConfig = {
  sessionTtlMs: 3_600_000,
  loginMaxPerMinute: 1000,
  webDir: '/nonexistent-web-build',
  publicUrl: undefined,
};

/** The session cookie value set by a response, if any. */
export function sessionCookie(res: LightMyRequestResponse): string | undefined {
  return res.cookies.find((c) => c.name === SESSION_COOKIE)?.value;
}

/** A hub app on `db` with the owner set up; returns the session cookie for requests as the owner. */
export async function appWithOwner(
  db: Db,
  config: Partial<AppConfig> = {},
): Promise<HubApp & { cookie: string }> {
  const hub = await buildApp({ ...testAppConfig, ...config }, db);
  const token = await hub.services.auth.issueSetupToken();
  const res = await hub.app.inject({
    method: 'POST',
    url: '/api/auth/setup',
    payload: { token, password: TEST_PASSWORD },
  });
  const cookie = sessionCookie(res);
  if (res.statusCode !== 200 || !cookie) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
  return { ...hub, cookie };
}

/** Headers of a logged-in browser request (session cookie plus the CSRF header). */
export const asOwner = (cookie: string) => ({ cookie: `${SESSION_COOKIE}=${cookie}`, [CSRF_HEADER]: '1' });
