import { describe, expect, it } from 'vitest';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';

describe.each(testDatabases())('health, metrics, OpenAPI and instances on $engine', ({ open, engine }) => {
  const t = useOwnerHub(open);
  const { stranger, owner } = hubRequests(() => t.hub);

  it('answers /health without auth, with the engine', async () => {
    const res = await stranger('GET', '/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: { engine, ok: true } });
  });

  it('lists no instances on a new hub', async () => {
    const res = await owner('GET', '/api/instances');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ instances: [] });
  });

  it('serves Prometheus metrics including request durations by route pattern', async () => {
    const res = await stranger('GET', '/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('podpilot_process_cpu_seconds_total');
    expect(res.body).toMatch(
      /podpilot_http_request_duration_seconds_count\{[^}]*route="\/health"[^}]*\} \d+/,
    );
  });

  it('describes the API in OpenAPI 3 with the zod schemas', async () => {
    const res = await owner('GET', '/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/instances', '/api/tokens', '/api/auth/login', '/health']),
    );
    expect(
      doc.paths['/api/auth/setup'].post.requestBody.content['application/json'].schema.properties.password
        .minLength,
    ).toBe(12);
  });

  it('answers unknown /api paths with a JSON 404 once logged in, not the web app', async () => {
    const res = await owner('GET', '/api/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'not_found', message: 'GET /api/nope not found' });
  });

  it('explains that the web app is not built instead of a bare 404', async () => {
    const res = await stranger('GET', '/login');
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
  });
});
