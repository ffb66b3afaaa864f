import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_API_PREFIX, ConfigError } from '@podpilot/common';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../env.js';
import { HubConnection, HubUnavailableError } from './hub-connection.js';

/** The hub's name as the agent knows it: `.invalid` never resolves (RFC 6761), so only the proxy can reach it. */
const HUB_HOST = 'podpilot-hub.invalid';

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A stand-in for the hub's agent API: answers register, heartbeat and events, and records each request. */
function hubStandIn() {
  const seen: { method: string; path: string; host: string | undefined; auth: string | undefined }[] = [];
  const server = createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const path = req.url ?? '';
    seen.push({ method: req.method ?? '', path, host: req.headers.host, auth: req.headers.authorization });
    const answers: Record<string, unknown> = {
      [`POST ${AGENT_API_PREFIX}/register`]: {
        instanceId: 'i-1',
        agentToken: 'ppa_test',
        profile: null,
        heartbeatIntervalSeconds: 10,
      },
      [`POST ${AGENT_API_PREFIX}/heartbeat`]: { commands: [], serverTime: new Date().toISOString() },
      [`POST ${AGENT_API_PREFIX}/events`]: { accepted: text ? (JSON.parse(text).events?.length ?? 0) : 0 },
    };
    const body = answers[`${req.method} ${path}`];
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  return { server, seen };
}

/**
 * A tiny forward proxy like tailscaled's `--outbound-http-proxy-listen`: absolute-form requests
 * (`POST http://host:port/path`) are sent again to the target, CONNECT gets a raw socket pipe. The one name it
 * knows is HUB_HOST, which it maps to 127.0.0.1 (as tailscaled maps tailnet names to tailnet addresses).
 */
function forwardProxy() {
  const forwarded: string[] = [];
  const resolveHost = (host: string) => (host === HUB_HOST ? '127.0.0.1' : null);
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res) => {
    const target = new URL(req.url ?? '');
    const address = resolveHost(target.hostname);
    forwarded.push(`${req.method} ${req.url}`);
    if (!address || target.protocol !== 'http:') {
      res.writeHead(502).end();
      return;
    }
    const upstream = request(
      {
        host: address,
        port: Number(target.port || 80),
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    forwarded.push(`CONNECT ${req.url}`);
    const [host = '', port = ''] = (req.url ?? '').split(':');
    const address = resolveHost(host);
    if (!address) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), address, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream).add(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return {
    server,
    forwarded,
    close: async () => {
      for (const s of sockets) s.destroy();
      await closeServer(server);
    },
  };
}

describe('the agent’s hub calls through a local proxy (PODPILOT_HUB_PROXY)', () => {
  const hub = hubStandIn();
  const proxy = forwardProxy();
  let hubUrl: string;
  let proxyUrl: string;
  let dir: string;

  beforeAll(async () => {
    hubUrl = `http://${HUB_HOST}:${await listen(hub.server)}`;
    proxyUrl = `http://127.0.0.1:${await listen(proxy.server)}`;
    dir = await mkdtemp(join(tmpdir(), 'podpilot-agent-proxy-'));
  });
  afterAll(async () => {
    await proxy.close();
    await closeServer(hub.server);
    await rm(dir, { recursive: true, force: true });
  });

  it('registers, sends heartbeats and events through the proxy, in absolute form', async () => {
    const stateFile = join(dir, 'a', 'agent.json');
    const conn = new HubConnection({
      hubUrl,
      bootstrapToken: 'ppb_test',
      stateFile,
      proxy: proxyUrl,
      timeoutMs: 5000,
    });
    try {
      expect((await conn.connect())?.instanceId).toBe('i-1');
      expect((await conn.heartbeat({ phase: 'provisioning' })).commands).toEqual([]);
      await conn.event({ level: 'info', kind: 'through-proxy', message: 'hello' });
      expect(conn.pendingEventCount).toBe(0);
    } finally {
      await conn.close();
    }
    const paths = ['register', 'heartbeat', 'events'].map((p) => `${AGENT_API_PREFIX}/${p}`);
    expect(proxy.forwarded).toEqual(paths.map((p) => `POST ${hubUrl}${p}`));
    // The hub got exactly what the proxy forwarded, addressed to the name only the proxy could resolve.
    expect(hub.seen.map((r) => r.path)).toEqual(paths);
    expect(hub.seen.every((r) => r.host === new URL(hubUrl).host)).toBe(true);
    expect(hub.seen.slice(1).every((r) => r.auth === 'Bearer ppa_test')).toBe(true);
  });

  it('cannot reach the hub without the proxy', async () => {
    const before = { proxy: proxy.forwarded.length, hub: hub.seen.length };
    // Resumes from the saved state (no call), then a heartbeat must go to the network directly.
    const direct = new HubConnection({ hubUrl, stateFile: join(dir, 'a', 'agent.json'), timeoutMs: 5000 });
    expect(await direct.connect()).toBeNull();
    const error = await direct.heartbeat({ phase: 'ready' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubUnavailableError);
    expect((error as Error).message).toMatch(/^hub unreachable: /);
    // A first start without the proxy keeps retrying until given up on, and never reaches the hub.
    const fresh = new HubConnection({
      hubUrl,
      bootstrapToken: 'ppb_test',
      stateFile: join(dir, 'b', 'agent.json'),
      timeoutMs: 5000,
    });
    await expect(fresh.connect(AbortSignal.timeout(1500))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect({ proxy: proxy.forwarded.length, hub: hub.seen.length }).toEqual(before);
  });

  it('reports a proxy that cannot reach the hub as the hub being unavailable (retry later)', async () => {
    const conn = new HubConnection({
      hubUrl: 'http://elsewhere.invalid:8080',
      bootstrapToken: 'ppb_test',
      stateFile: join(dir, 'c', 'agent.json'),
      proxy: proxyUrl,
      timeoutMs: 5000,
    });
    try {
      // The proxy answers 502 (it knows no such host): register retries until given up on.
      await expect(conn.connect(AbortSignal.timeout(1000))).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(proxy.forwarded.at(-1)).toBe(`POST http://elsewhere.invalid:8080${AGENT_API_PREFIX}/register`);
    } finally {
      await conn.close();
    }
    // A proxy that is not there (tailscaled not started yet) is the same: unavailable, try again later.
    const noProxy = new HubConnection({
      hubUrl,
      bootstrapToken: 'ppb_test',
      stateFile: join(dir, 'd', 'agent.json'),
      proxy: 'http://127.0.0.1:9',
      timeoutMs: 5000,
    });
    try {
      await expect(noProxy.connect(AbortSignal.timeout(1000))).rejects.toMatchObject({
        name: 'TimeoutError',
      });
    } finally {
      await noProxy.close();
    }
  });

  it('the same proxy tunnels with CONNECT, the way an https:// hub is reached', async () => {
    const dispatcher = new ProxyAgent({ uri: proxyUrl }); // tunnels by default
    try {
      const res = await undiciFetch(`${hubUrl}${AGENT_API_PREFIX}/heartbeat`, {
        method: 'POST',
        dispatcher,
        signal: AbortSignal.timeout(5000),
      });
      expect(res.status).toBe(200);
      await res.text();
    } finally {
      await dispatcher.close();
    }
    expect(proxy.forwarded.at(-1)).toBe(`CONNECT ${new URL(hubUrl).host}`);
  });
});

describe('PODPILOT_HUB_PROXY', () => {
  const base = { PODPILOT_HUB_URL: 'http://100.64.0.1:7300', PODPILOT_WORKSPACE: '/tmp/ws' };

  it('is read as the hub proxy, and is optional', () => {
    expect(loadAgentConfig({ ...base, PODPILOT_HUB_PROXY: 'http://localhost:1055' }).hubProxy).toBe(
      'http://localhost:1055',
    );
    expect(loadAgentConfig(base).hubProxy).toBeUndefined();
  });

  it('must be an http:// URL', () => {
    for (const bad of ['localhost:1055', 'socks5://localhost:1055', 'https://proxy:443'])
      expect(() => loadAgentConfig({ ...base, PODPILOT_HUB_PROXY: bad })).toThrow(ConfigError);
    expect(() => loadAgentConfig({ ...base, PODPILOT_HUB_PROXY: 'nope' })).toThrow(/PODPILOT_HUB_PROXY/);
  });
});
