import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testLink } from './test-links.js';
import { OPEN_PATH, WebuiProxy } from './webui-proxy.js';

const key = randomBytes(32);
const id = '6f1c1d0e-0000-4000-8000-000000000001';
let clock = 1_800_000_000;

/** The "WebUI": answers with the path and the cookies it got; an upgrade gets 101 and its bytes echoed. */
let ui: Server;
let uiPort = 0;
let dir = '';
const proxies: WebuiProxy[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webui-proxy-'));
  ui = createServer((req, res) =>
    res.end(JSON.stringify({ path: req.url, cookie: req.headers.cookie ?? null })),
  );
  ui.on('upgrade', (_req, socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    socket.pipe(socket);
  });
  await new Promise<void>((r) => ui.listen(0, '127.0.0.1', r));
  uiPort = (ui.address() as { port: number }).port;
});
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  ui.closeAllConnections();
  await new Promise((r) => ui.close(r));
  await rm(dir, { recursive: true, force: true });
});

/** A proxy on a free loopback port over the test UI, keeping its state in `dir`. */
async function startProxy(): Promise<string> {
  const proxy = new WebuiProxy({
    instanceId: id,
    key,
    target: { host: '127.0.0.1', port: uiPort },
    stateDir: dir,
    nowSeconds: () => clock,
  });
  proxies.push(proxy);
  return `http://127.0.0.1:${await proxy.listen(0, '127.0.0.1')}`;
}

const open = (base: string, link: string) =>
  fetch(`${base}${OPEN_PATH}?l=${encodeURIComponent(link)}`, { redirect: 'manual' });

/** The session cookie's `name=value` a successful open sets. */
function sessionOf(res: Response): string {
  const setCookie = res.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/HttpOnly; SameSite=Lax; Path=\//);
  return setCookie.split(';')[0] as string;
}

/** Sends an upgrade with `cookie`; resolves with what comes back after sending `ping`. */
function upgrade(base: string, cookie: string): Promise<string> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\nCookie: ${cookie}\r\n\r\n`,
      );
    });
    let got = '';
    socket.on('data', (d) => {
      got += d.toString();
      if (got.includes('\r\n\r\n') && got.startsWith('HTTP/1.1 101') && !got.includes('ping'))
        socket.write('ping');
      if (got.includes('ping') || got.startsWith('HTTP/1.1 401')) socket.end();
    });
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

describe('WebuiProxy', () => {
  it('answers 401 to a request without the session cookie, HTTP and WebSocket alike', async () => {
    const base = await startProxy();
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/Open this WebUI from PodPilot/);
    expect(await upgrade(base, 'podpilot_webui=made-up')).toMatch(/^HTTP\/1.1 401/);
  });

  it('trades a valid link for a cookie that lets HTTP and WebSockets through, without passing it on', async () => {
    const base = await startProxy();
    const res = await open(base, testLink(key, { i: id, e: clock + 60 }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = sessionOf(res);
    const page = await fetch(`${base}/page?x=1`, { headers: { cookie: `${cookie}; theirs=1` } });
    expect(await page.json()).toEqual({ path: '/page?x=1', cookie: 'theirs=1' });
    const echoed = await upgrade(base, cookie);
    expect(echoed).toMatch(/^HTTP\/1.1 101/);
    expect(echoed).toMatch(/ping$/);
  });

  it('refuses forged, expired, foreign and malformed links', async () => {
    const base = await startProxy();
    const links = [
      testLink(randomBytes(32), { i: id, e: clock + 60 }),
      testLink(key, { i: id, e: clock - 1 }),
      testLink(key, { i: '6f1c1d0e-0000-4000-8000-000000000002', e: clock + 60 }),
      'not-a-link',
    ];
    for (const link of links) {
      const res = await open(base, link);
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('refuses a link used before, also by a new proxy on the same folder (an agent restart)', async () => {
    const link = testLink(key, { i: id, e: clock + 60 });
    const first = await startProxy();
    expect((await open(first, link)).status).toBe(303);
    expect((await open(first, link)).status).toBe(401);
    const restarted = await startProxy();
    expect((await open(restarted, link)).status).toBe(401);
  });

  it('keeps sessions across a restart until they expire', async () => {
    const cookie = sessionOf(await open(await startProxy(), testLink(key, { i: id, e: clock + 60 })));
    const restarted = await startProxy();
    expect((await fetch(`${restarted}/`, { headers: { cookie } })).status).toBe(200);
    clock += 13 * 3600;
    expect((await fetch(`${restarted}/`, { headers: { cookie } })).status).toBe(401);
  });
});
