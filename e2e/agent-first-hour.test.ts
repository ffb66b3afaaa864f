import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PODPILOT_VERSION } from '@podpilot/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubGone, ownerApiToken } from './support/hub-process.js';

// A newcomer's first hour, as the README tells it: a clean copy of the tree, `npm ci`, `npm start`, then
// `npx podpilot demo` — with no network (every proxy points at a closed loopback port) and no Python (PATH
// holds node, npm, npx, git and sh only), until a picture is in the gallery. Then a second `npm start` builds
// nothing. (How fast it is, is the first-hour bench's business, not this test's.)

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'podpilot-first-hour-'));
const clone = join(work, 'podpilot');
const bin = join(work, 'bin');
/** A loopback port nothing listens on: one the system just gave out and took back. */
function closedPort(): number {
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
    ],
    { encoding: 'utf8' },
  );
  return Number(probe.stdout.trim());
}
const CLOSED = `http://127.0.0.1:${closedPort()}`;
const PASSWORD = 'a long enough owner password';

/** Where a program is on this machine's PATH. */
const which = (program: string) =>
  execFileSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).trim();

/** The environment of a newcomer's shell on a machine with no network and no Python. */
const env: Record<string, string> = {
  HOME: process.env.HOME ?? work,
  PATH: bin,
  LANG: 'C.UTF-8',
  TMPDIR: work,
  PODPILOT_HOME: join(work, 'home'),
  PODPILOT_PORT: '0',
  PODPILOT_CONFIG_DIR: join(work, 'cli'),
  ...Object.fromEntries(
    ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY'].flatMap((name) => [
      [name, CLOSED],
      [name.toLowerCase(), CLOSED],
    ]),
  ),
  NO_PROXY: '127.0.0.1,localhost',
  no_proxy: '127.0.0.1,localhost',
};

/** `npm start` in the clone, as a process group (npm → sh → node), with everything it printed. */
function npmStart(): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn('npm', ['start'], {
    cwd: clone,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out, exited: new Promise((done) => child.once('exit', done)) };
}

/** Waits until the hub printed its address (or the process ended: then its output says why). */
async function listening(started: ReturnType<typeof npmStart>): Promise<string> {
  for (;;) {
    const url = /listening on (http:\/\/\S+)/.exec(started.output())?.[1];
    if (url) return url;
    if (started.child.exitCode !== null) throw new Error(`npm start ended first:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops the group and waits until the hub is gone from its home (npm may exit before the hub does). */
async function stop(started: ReturnType<typeof npmStart>): Promise<void> {
  if (started.child.exitCode === null && started.child.pid) process.kill(-started.child.pid, 'SIGTERM');
  await started.exited;
  // A loop, not expect.poll: this also runs in afterAll, outside any test.
  const deadline = Date.now() + 30_000;
  while (!hubGone(env.PODPILOT_HOME ?? '')) {
    if (Date.now() > deadline) throw new Error(`the hub did not exit:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const npx = (args: string[], extra: Record<string, string> = {}) =>
  spawnSync('npx', ['--no-install', 'podpilot', ...args], {
    cwd: clone,
    env: { ...env, ...extra },
    encoding: 'utf8',
    timeout: 240_000,
  });

beforeAll(() => {
  // A clean clone's files: what git tracks plus what it would add, as they are in this tree.
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  for (const file of files.split('\0').filter(Boolean))
    if (existsSync(join(root, file))) cpSync(join(root, file), join(clone, file), { recursive: false });
  mkdirSync(bin);
  const npmDir = dirname(process.execPath);
  for (const [name, target] of [
    ['node', process.execPath],
    ['npm', existsSync(join(npmDir, 'npm')) ? join(npmDir, 'npm') : which('npm')],
    ['npx', existsSync(join(npmDir, 'npx')) ? join(npmDir, 'npx') : which('npx')],
    ['git', which('git')],
    ['sh', '/bin/sh'],
  ] as const)
    symlinkSync(target, join(bin, name));
  // The registry is the one network npm ci needs (the cache answers what it can).
  const ci = spawnSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: clone,
    env: { ...process.env, npm_config_loglevel: 'warn' },
    encoding: 'utf8',
  });
  expect(ci.status, ci.stderr).toBe(0);
  expect(ci.stderr).not.toMatch(/install-scripts/); // every install script is approved (allowScripts)
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("a newcomer's first hour (clean clone, no network, no Python)", () => {
  let hub: ReturnType<typeof npmStart> | undefined;
  afterAll(async () => {
    if (hub) await stop(hub);
  });

  it('runs the demo from `npm start` to a picture in the gallery', async () => {
    expect(spawnSync('sh', ['-c', 'command -v python3 python'], { env, encoding: 'utf8' }).stdout).toBe('');
    hub = npmStart();
    const url = await listening(hub);
    // Nothing a newcomer would read as a fault (the web build's warnings are silenced at their source).
    expect(hub.output()).not.toMatch(/\bwarn(ing)?\b|IMPORT_IS_UNDEFINED|PLUGIN_TIMINGS/i);
    const setupUrl = /Set the owner password: (\S+)/.exec(hub.output())?.[1] ?? null;
    const token = await ownerApiToken({ url, setupUrl } as Parameters<typeof ownerApiToken>[0], PASSWORD);
    const api = async <T>(path: string, method = 'GET') =>
      (await (
        await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}` } })
      ).json()) as T;

    const version = npx(['--version']);
    expect(version.stdout.trim(), version.stderr).toBe(PODPILOT_VERSION);

    const demo = npx(['demo', '--json'], { PODPILOT_URL: url, PODPILOT_TOKEN: token });
    expect(demo.status, `${demo.stdout}\n${demo.stderr}`).toBe(0);
    const { instance, firstPicture } = JSON.parse(demo.stdout) as {
      instance: { id: string; state: string; access: { url: string } | null };
      firstPicture: boolean;
    };
    expect(instance.state).toBe('ready');
    expect(firstPicture).toBe(true);

    type Outputs = { outputs: { instanceId: string; path: string; metadata: { prompt?: string } | null }[] };
    await expect
      .poll(async () => (await api<Outputs>('/api/outputs')).outputs.map((o) => [o.instanceId, o.path]), {
        timeout: 120_000,
        interval: 500,
      })
      .toEqual([[instance.id, 'output/ComfyUI_00001_.png']]);
    const [listed] = (await api<Outputs & { outputs: { id: string }[] }>('/api/outputs')).outputs;
    const picture = await api<{ metadata: { prompt?: string } | null }>(`/api/outputs/${listed?.id}`);
    expect(JSON.parse(picture.metadata?.prompt ?? '{}')['3']?.class_type).toBe('KSampler');

    // `ps` and `destroy` run their own bundles (the demo's and `--version`'s ran theirs above).
    const cli = { PODPILOT_URL: url, PODPILOT_TOKEN: token };
    const ps = npx(['ps', '--json'], cli);
    expect(
      (JSON.parse(ps.stdout) as { id: string }[]).map((i) => i.id),
      ps.stderr,
    ).toEqual([instance.id]);
    const destroy = npx(['destroy', instance.id, '--yes', '--json'], cli);
    expect(destroy.status, `${destroy.stdout}\n${destroy.stderr}`).toBe(0);
    await expect
      .poll(async () => (await api<{ state: string }>(`/api/instances/${instance.id}`)).state, {
        timeout: 120_000,
        interval: 500,
      })
      .toBe('destroyed');
    await stop(hub);
    hub = undefined;
  }, 900_000);

  it('starts again without building anything', async () => {
    hub = npmStart();
    await listening(hub);
    expect(hub.output()).toContain('web app: up to date');
    expect(hub.output()).toContain('cli: up to date');
    expect(hub.output()).not.toMatch(/vite v\d|transforming/);
    await stop(hub);
    hub = undefined;
  }, 300_000);
});
