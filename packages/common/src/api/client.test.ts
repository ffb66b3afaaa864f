import { describe, expect, it } from 'vitest';
import { createApiClient, type FetchInit } from './client.js';
import { ApiCallError } from './client-error.js';
import { urlFor } from './endpoint-url.js';
import { endpoints } from './endpoints/index.js';

const INSTANCE = '0a1b2c3d-0000-4000-8000-000000000001';

/** A fetch double answering `answers` in turn and recording what it was asked. */
function fakeFetch(...answers: (Response | Error)[]) {
  const seen: { url: string; init: FetchInit }[] = [];
  const fetch = async (url: string, init: FetchInit) => {
    seen.push({ url, init });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('urlFor', () => {
  it('fills in and encodes the path parameters and leaves out empty query values', () => {
    expect(urlFor(endpoints.secrets.put, { params: { name: 'vastai.api_key' } })).toBe(
      '/api/secrets/vastai.api_key',
    );
    expect(urlFor(endpoints.profiles.get, { params: { name: 'a b/c' }, query: { version: 3 } })).toBe(
      '/api/profiles/a%20b%2Fc?version=3',
    );
    expect(urlFor(endpoints.files.remove, { params: { '*': 'dir/a b.json' } })).toBe(
      '/api/files/dir/a%20b.json',
    );
    expect(urlFor(endpoints.costs.month, { query: { month: undefined } })).toBe('/api/costs');
    expect(() => urlFor(endpoints.instances.get, { params: {} as never })).toThrow(/parameter id is missing/);
  });
});

describe('createApiClient', () => {
  it('sends JSON with the client’s headers and parses the answer with the entry’s schema', async () => {
    const hub = fakeFetch(json(200, { accepted: 2, extra: 'dropped' }));
    const client = createApiClient({
      baseUrl: 'http://hub:7300/',
      fetch: hub.fetch,
      headers: (request): Record<string, string> =>
        request.endpoint?.auth === 'agent' ? { authorization: 'Bearer ppa_x' } : {},
    });
    const answer = await client.call(endpoints.agent.logs, { body: { lines: [] } });
    expect(answer).toEqual({ accepted: 2 });
    expect(hub.seen[0]?.url).toBe('http://hub:7300/agent/v1/logs');
    expect(hub.seen[0]?.init).toMatchObject({
      method: 'POST',
      headers: { authorization: 'Bearer ppa_x', 'content-type': 'application/json' },
      body: '{"lines":[]}',
    });
  });

  it('answers null for 204, the text for text answers, and the raw answer for streams', async () => {
    const hub = fakeFetch(
      new Response(null, { status: 204 }),
      new Response('name: a\n', { status: 200 }),
      new Response('retry: 3000\n\n', { status: 200 }),
    );
    const client = createApiClient({ baseUrl: '', fetch: hub.fetch });
    expect(await client.call(endpoints.tokens.revoke, { params: { id: INSTANCE } })).toBeNull();
    expect(await client.call(endpoints.profiles.yaml, { params: { name: 'a' } })).toBe('name: a\n');
    const stream = await client.call(endpoints.live.stream);
    expect(await stream.text()).toBe('retry: 3000\n\n');
    expect(hub.seen.map((s) => s.url)).toEqual([
      `/api/tokens/${INSTANCE}`,
      '/api/profiles/a/yaml',
      '/api/live',
    ]);
  });

  it('sends a raw body with its own content type', async () => {
    const hub = fakeFetch(json(201, { name: 'a', version: 1, created: true, warnings: [] }));
    const client = createApiClient({ baseUrl: '', fetch: hub.fetch });
    await client
      .call(endpoints.profiles.apply, {
        params: { name: 'a' },
        rawBody: { text: 'name: a\n', contentType: 'application/yaml' },
      })
      .catch(() => {});
    expect(hub.seen[0]?.init).toMatchObject({
      headers: { 'content-type': 'application/yaml' },
      body: 'name: a\n',
    });
  });

  it('turns the error envelope into ApiCallError with status, code, issues and Retry-After', async () => {
    const envelope = {
      error: { code: 'rate_limited', message: 'slow down', issues: [{ path: 'body.x', message: 'no' }] },
    };
    const hub = fakeFetch(json(429, envelope, { 'retry-after': '7' }));
    const client = createApiClient({ baseUrl: '', fetch: hub.fetch });
    const error = await client.call(endpoints.instances.list).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({
      status: 429,
      code: 'rate_limited',
      message: 'slow down',
      issues: [{ path: 'body.x', message: 'no' }],
      retryAfterMs: 7000,
      method: 'GET',
      path: '/api/instances',
    });
  });

  it('names answers that are not the envelope, network failures and answers the schema refuses', async () => {
    const hub = fakeFetch(
      new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
      Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
      json(200, { instances: 'nope' }),
    );
    const client = createApiClient({ baseUrl: 'http://hub', fetch: hub.fetch });
    const errors = [];
    for (let i = 0; i < 3; i++) errors.push(await client.call(endpoints.instances.list).catch((e) => e));
    expect(errors[0]).toMatchObject({
      status: 502,
      code: 'bad_response',
      message: 'HTTP 502: <html>bad gateway</html>',
    });
    expect(errors[1]).toMatchObject({
      status: 0,
      code: 'network',
      message: 'cannot reach http://hub: ECONNREFUSED',
    });
    expect(errors[2]).toMatchObject({ status: 200, code: 'bad_response', issues: [{ path: 'instances' }] });
  });

  it('retries transient failures when asked, never a refusal', async () => {
    const busy = () => json(503, { error: { code: 'internal', message: 'busy' } });
    const hub = fakeFetch(
      busy(),
      busy(),
      json(200, { instances: [] }),
      json(404, { error: { code: 'not_found', message: 'gone' } }),
    );
    const client = createApiClient({ baseUrl: '', fetch: hub.fetch });
    const retry = { attempts: 5, sleep: async () => {} };
    expect(await client.call(endpoints.instances.list, { retry })).toEqual({ instances: [] });
    await expect(client.call(endpoints.instances.get, { params: { id: INSTANCE }, retry })).rejects.toThrow(
      'gone',
    );
    expect(hub.seen).toHaveLength(4);
  });

  it('sends by path for callers that hold one', async () => {
    const hub = fakeFetch(new Response(null, { status: 204 }));
    const client = createApiClient({ baseUrl: '', fetch: hub.fetch, credentials: 'same-origin' });
    expect(await client.send('DELETE', '/api/x')).toBeNull();
    expect(hub.seen[0]?.init).toMatchObject({ method: 'DELETE', credentials: 'same-origin' });
  });
});
