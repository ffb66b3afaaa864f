import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRemote, tempDir } from '../apps/agent/src/provision/test-support/git-repos.js';
import { freePort } from '../apps/agent/src/test-support/free-port.js';
import type { Db } from '../apps/hub/src/db/db.js';
import { migrate } from '../apps/hub/src/db/migrate.js';
import { openPglite } from '../apps/hub/src/db/pglite.js';
import { WebuiLinks } from '../apps/hub/src/services/instances/webui-links.service.js';
import { appWithOwner, hubRequests, type TestHub } from '../apps/hub/src/test-support/app.js';
import { agentHarness, type RunningAgent } from './support/agent-harness.js';
import { launchChromium, requireChromium, step } from './support/browser.js';
import { ECHO_UI } from './support/echo-ui.js';

/** What a WebSocket to `url` with `cookie` gets back for `message`: the echo, or `refused` when it never opens. */
function echoOf(url: string, cookie: string | null, message: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, cookie ? { headers: { cookie } } : {});
    const timer = setTimeout(() => resolve('no answer'), 30_000);
    const done = (result: string) => {
      clearTimeout(timer);
      ws.close();
      resolve(result);
    };
    ws.onopen = () => ws.send(message);
    ws.onmessage = (event) => done(String(event.data));
    ws.onerror = () => done('refused');
  });
}

/**
 * The way in to a WebUI on a public address (issue 18): the real agent with PODPILOT_WEBUI_AUTH=link puts its
 * authenticating proxy on the UI's port and the UI on loopback; only a link the hub signed opens it (once),
 * for HTTP and WebSockets alike.
 */
describe('the WebUI behind the link proxy (e2e)', () => {
  const tmp = tempDir('podpilot-webui-link-e2e-');
  let db: Db;
  let hub: TestHub & { cookie: string };
  const { instanceOf, runAgent, waitForOutput, waitForState, killAll } = agentHarness(() => ({ hub, db }));
  let agent: RunningAgent;
  let id = '';
  let publicPort = 0;
  let base = '';
  /** The hub's service, with the instance's public address on the proxy's loopback port. */
  const links = (now = Date.now) =>
    new WebuiLinks(db, hub.services.instances, { now, access: () => ({ kind: 'public', url: base }) });
  const mint = async (now?: () => number) => (await links(now).open(id)).url;

  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
    hub = await appWithOwner(db);
    const ui = makeRemote(tmp.dir, 'echo-ui');
    const commit = ui.commit({ 'main.py': ECHO_UI });
    publicPort = await freePort();
    base = `http://127.0.0.1:${publicPort}`;
    const yaml = `name: webui-link\nui: { kind: comfyui, ref: ${commit}, repo: "${ui.url}" }\nargs: ["--port", "${publicPort}"]\n`;
    const made = await instanceOf(yaml, 'webui-link');
    id = made.id;
    // Registered before (an agent restart): the saved credentials carry the hub's link key.
    const { register, ok } = hubRequests(() => hub);
    const answer = ok(await register(made.bootstrap), 'register').json();
    expect(Buffer.from(answer.webuiLinkKey, 'base64')).toHaveLength(32);
    const workspace = join(tmp.dir, 'workspace');
    await mkdir(join(workspace, '.podpilot'), { recursive: true });
    const saved = {
      hubUrl: hub.url,
      instanceId: id,
      agentToken: answer.agentToken,
      webuiLinkKey: answer.webuiLinkKey,
    };
    await writeFile(join(workspace, '.podpilot', 'agent.json'), JSON.stringify(saved));
    agent = runAgent(workspace, undefined, { PODPILOT_WEBUI_AUTH: 'link' });
    await waitForState(id, 'ready');
    await waitForOutput(agent, /behind the link proxy on port \d+ \(itself on 127\.0\.0\.1:\d+\)/);
  });
  afterAll(async () => {
    killAll();
    await hub?.close();
    await db?.close();
    tmp.cleanup();
  });

  it('answers 401 without the cookie, and keeps the WebUI itself on another, loopback port', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/Open this WebUI from PodPilot/);
    expect(await echoOf(`ws://127.0.0.1:${publicPort}/ws`, null, 'hi')).toBe('refused');
    const internal = Number(/itself on 127\.0\.0\.1:(\d+)/.exec(agent.output())?.[1]);
    expect(internal).not.toBe(publicPort);
    expect((await fetch(`http://127.0.0.1:${internal}/`)).status).toBe(200);
  });

  it('refuses forged, expired and reused links', async () => {
    const open = (url: string) => fetch(url, { redirect: 'manual' });
    const valid = await mint();
    const forged = valid.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await open(forged)).status).toBe(401);
    expect((await open(await mint(() => Date.now() - 120_000))).status).toBe(401);
    expect((await open(valid)).status).toBe(303);
    const reused = await open(valid);
    expect(reused.status).toBe(401);
    expect(reused.headers.get('set-cookie')).toBeNull();
  });

  it("trades the hub's link for a cookie that opens the page and its WebSocket", async () => {
    const res = await fetch(await mint(), { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^podpilot_webui=[^;]+; HttpOnly; SameSite=Lax; Path=\//);
    const cookie = setCookie.split(';')[0] as string;
    const page = await fetch(`${base}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Echo UI</h1>');
    // The proxy's own cookie stays with the proxy; the UI's cookies go through.
    const seen = await fetch(`${base}/cookies`, { headers: { cookie: `${cookie}; comfy=1` } });
    expect(await seen.text()).toBe('cookies: comfy=1');
    expect(await echoOf(`ws://127.0.0.1:${publicPort}/ws`, cookie, 'ping')).toBe('echo: ping');
  });

  it('opens in a real browser from the link: the page and its WebSocket work, the cookie is not readable', async (ctx) => {
    requireChromium(ctx);
    const profile = await mkdtemp(join(tmpdir(), 'podpilot-chromium-'));
    const context = await launchChromium(profile);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const link = await mint();
      await step('open the link', () => page.goto(link));
      expect(new URL(page.url()).pathname).toBe('/');
      await step('see the echo', () =>
        page.getByText('echo: hello from the browser').waitFor({ timeout: 60_000 }),
      );
      expect(await page.evaluate<string>('document.cookie')).not.toContain('podpilot_webui');
      const session = (await context.cookies()).find((c) => c.name === 'podpilot_webui');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  });
});
