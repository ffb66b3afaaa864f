import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../test-support/free-port.js';
import { DEFAULT_RUNPOD_URL, DEFAULT_VASTAI_URL, SelfStopError, selfStopMethod } from './self-stop.js';

interface Seen {
  method: string;
  path: string;
  auth: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

/** A loopback HTTP server that records every request and answers with `reply(index)`. */
async function fakeApi(reply: (index: number, req: IncomingMessage, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        auth: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: text ? JSON.parse(text) : undefined,
      });
      reply(seen.length - 1, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const VAST_KEY = 'vast-secret-key-0123456789';
const POD_KEY = 'rpa_SECRETSECRETSECRET';
const vastEnv = { CONTAINER_ID: '4242', CONTAINER_API_KEY: VAST_KEY, PUBLIC_IPADDR: '1.2.3.4' };
const podEnv = { RUNPOD_POD_ID: 'abc123xyz', RUNPOD_API_KEY: POD_KEY };

describe('selfStopMethod: which provider', () => {
  it('is null when neither provider’s variables are there (the local provider), or only half of them', () => {
    expect(selfStopMethod({})).toBeNull();
    expect(selfStopMethod({ PODPILOT_PROVIDER: 'local', HOME: '/root' })).toBeNull();
    expect(selfStopMethod({ CONTAINER_ID: '4242' })).toBeNull();
    expect(selfStopMethod({ CONTAINER_ID: '4242', CONTAINER_API_KEY: '  ' })).toBeNull();
    expect(selfStopMethod({ RUNPOD_POD_ID: 'abc' })).toBeNull(); // a pod granted no API key
  });

  it('finds Vast.ai and Runpod, on their default APIs, and never shows the key', () => {
    const vast = selfStopMethod(vastEnv);
    expect(vast?.kind).toBe('vastai');
    expect(vast?.describe).toBe(`the Vast.ai API (PUT ${DEFAULT_VASTAI_URL}/instances/4242/)`);
    const pod = selfStopMethod(podEnv);
    expect(pod?.kind).toBe('runpod');
    expect(pod?.describe).toBe(`the Runpod API (POST ${DEFAULT_RUNPOD_URL}/pods/abc123xyz/action)`);
    expect(`${vast?.describe} ${pod?.describe}`).not.toMatch(/SECRET|secret-key/);
  });
});

describe('selfStopMethod: Vast.ai', () => {
  it('PUTs {"state":"stopped"} to /instances/{CONTAINER_ID}/ with the container’s key', async () => {
    const api = await fakeApi((_i, _req, res) => json(res, 200, { success: true }));
    await selfStopMethod(vastEnv, { vastai: `${api.url}/api/v0/` })?.stop();
    expect(api.seen).toEqual([
      {
        method: 'PUT',
        path: '/api/v0/instances/4242/',
        auth: `Bearer ${VAST_KEY}`,
        contentType: 'application/json',
        body: { state: 'stopped' },
      },
    ]);
  });

  it('waits as a 429’s Retry-After asks, then succeeds', async () => {
    const api = await fakeApi((i, _req, res) =>
      i === 0
        ? json(res, 429, { success: false, msg: 'slow down' }, { 'retry-after': '1' })
        : json(res, 200, { success: true }),
    );
    const started = Date.now();
    await selfStopMethod(vastEnv, { vastai: api.url })?.stop();
    expect(api.seen).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('bounds a long Retry-After and gives up on a 5xx after the attempts, naming the status', async () => {
    const api = await fakeApi((_i, _req, res) =>
      json(res, 503, { success: false, msg: 'maintenance' }, { 'retry-after': '3600' }),
    );
    const started = Date.now();
    const stop = selfStopMethod(vastEnv, { vastai: api.url }, { attempts: 3, maxWaitMs: 20 })?.stop();
    await expect(stop).rejects.toThrow(
      'Vast.ai did not stop instance 4242: 503 Service Unavailable: maintenance (after 3 attempts)',
    );
    expect(api.seen).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails on {"success":false}, naming the msg, without retrying', async () => {
    const api = await fakeApi((_i, _req, res) =>
      json(res, 200, { success: false, msg: 'instance is not running' }),
    );
    const stop = selfStopMethod(vastEnv, { vastai: api.url })?.stop();
    await expect(stop).rejects.toThrow(SelfStopError);
    await expect(stop).rejects.toThrow(
      'Vast.ai did not stop instance 4242: answered success:false: instance is not running',
    );
    expect(api.seen).toHaveLength(1);
  });

  it('fails on a 401 at once, without the key in the message even when the API echoes it', async () => {
    const api = await fakeApi((_i, req, res) =>
      json(res, 401, { success: false, error: 'invalid_key', msg: `bad key ${req.headers.authorization}` }),
    );
    const error = (await selfStopMethod(vastEnv, { vastai: api.url })
      ?.stop()
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(SelfStopError);
    expect(error.message).toContain('401 Unauthorized');
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(VAST_KEY);
    expect(api.seen).toHaveLength(1);
  });
});

describe('selfStopMethod: Runpod', () => {
  it('POSTs {"action":"stop"} to /pods/{RUNPOD_POD_ID}/action with the pod’s key', async () => {
    const api = await fakeApi((_i, _req, res) =>
      json(res, 200, { id: 'abc123xyz', desiredStatus: 'EXITED' }),
    );
    await selfStopMethod(podEnv, { runpod: `${api.url}/v2` })?.stop();
    expect(api.seen).toEqual([
      {
        method: 'POST',
        path: '/v2/pods/abc123xyz/action',
        auth: `Bearer ${POD_KEY}`,
        contentType: 'application/json',
        body: { action: 'stop' },
      },
    ]);
  });

  it('accepts a 204 and retries a 5xx', async () => {
    const api = await fakeApi((i, _req, res) => {
      if (i < 2) return json(res, 502, { title: 'Bad Gateway', status: 502 }, { 'retry-after': '0' });
      res.writeHead(204).end();
    });
    await selfStopMethod(podEnv, { runpod: api.url })?.stop();
    expect(api.seen).toHaveLength(3);
  });

  it('reports an RFC 9457 problem by title and detail, without the key', async () => {
    const api = await fakeApi((_i, _req, res) =>
      json(res, 403, {
        title: 'Forbidden',
        status: 403,
        detail: `key ${POD_KEY} may not stop pods`,
      }),
    );
    const error = (await selfStopMethod(podEnv, { runpod: api.url })
      ?.stop()
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'Runpod did not stop pod abc123xyz: 403 Forbidden: Forbidden: key [redacted] may not stop pods',
    );
    expect(api.seen).toHaveLength(1);
  });
});

describe('selfStopMethod: an API that does not answer', () => {
  it('says it could not reach the API when nothing listens', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const stop = selfStopMethod(vastEnv, { vastai: url }, { attempts: 2, maxWaitMs: 10 })?.stop();
    await expect(stop).rejects.toThrow(/could not reach .*ECONNREFUSED \(after 2 attempts\)/);
  });

  it('times each request out', async () => {
    const { url } = await fakeApi(() => {}); // never answers
    const started = Date.now();
    const stop = selfStopMethod(podEnv, { runpod: url }, { attempts: 1, timeoutMs: 200 })?.stop();
    await expect(stop).rejects.toThrow('no answer within 200 ms (after 1 attempts)');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops waiting when the caller aborts', async () => {
    const api = await fakeApi((_i, _req, res) => json(res, 503, {}, { 'retry-after': '60' }));
    const abort = new AbortController();
    const stop = selfStopMethod(vastEnv, { vastai: api.url })?.stop(abort.signal);
    setTimeout(() => abort.abort(new Error('agent stopping')), 100);
    await expect(stop).rejects.toThrow('agent stopping');
    expect(api.seen).toHaveLength(1);
  });
});
