import { describe, expect, it } from 'vitest';
import { hubRequests, useTestHub } from '../test-support/app.js';
import { type TestDatabase, testDatabases } from '../test-support/databases.js';

/** The only /api routes anyone may call without logging in. Adding one here is a security decision. */
const PUBLIC_API_ROUTES = [
  'GET /api/auth/state',
  'POST /api/auth/login',
  'POST /api/auth/setup',
  // A zip download: the ticket in its path (32 random bytes, 15 minutes, only its hash kept) is the key,
  // as a presigned URL's signature is (a browser download sends no header).
  'GET /api/outputs/zip/:ticket',
];

const [pglite] = testDatabases();

describe('authentication on every /api route', () => {
  const t = useTestHub((pglite as TestDatabase).open);
  const { stranger } = hubRequests(() => t.hub);
  const apiRoutes = () => t.hub.routes.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');

  it('finds the routes from the server itself', () => {
    expect(apiRoutes().length).toBeGreaterThanOrEqual(8);
    expect(apiRoutes().map((r) => `${r.method} ${r.url}`)).toContain('GET /api/instances');
  });

  it('marks exactly the expected routes public', () => {
    const open = apiRoutes()
      .filter((r) => r.public)
      .map((r) => `${r.method} ${r.url}`);
    expect(open.sort()).toEqual([...PUBLIC_API_ROUTES].sort());
  });

  it('answers 401 on every other /api route without credentials, or with a bad token', async () => {
    const failures: string[] = [];
    for (const route of apiRoutes().filter((r) => !r.public)) {
      const url = route.url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000');
      for (const headers of [
        {},
        { authorization: 'Bearer pp_not-a-real-token' },
        { cookie: 'podpilot_session=forged' },
      ] as Record<string, string>[]) {
        const res = await stranger(
          route.method as 'GET',
          url,
          route.method === 'GET' ? undefined : {},
          headers,
        );
        if (res.statusCode !== 401 || res.json().error?.code !== 'unauthorized') {
          failures.push(`${route.method} ${route.url} with ${JSON.stringify(headers)} → ${res.statusCode}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers unknown /api paths with 401 to strangers, so routes cannot be probed', async () => {
    const res = await stranger('GET', '/api/nope');
    expect(res.statusCode).toBe(401);
  });
});
