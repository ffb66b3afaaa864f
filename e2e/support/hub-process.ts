import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../apps/cli/dist/main.js', import.meta.url));

export interface HubProcess {
  url: string;
  setupUrl: string | null;
  home: string;
  child: ChildProcess;
  /** SIGTERM, then wait for exit (SIGKILL after 15 s). Removes the temp home unless one was given. */
  stop(): Promise<void>;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
}

export interface StartHubOptions {
  env?: Record<string, string>;
  home?: string;
  args?: string[];
  timeoutMs?: number;
}

/** Runs the built `podpilot hub` as a real process on a free port and waits for its banner. */
export async function startHub(opts: StartHubOptions = {}): Promise<HubProcess> {
  const home = opts.home ?? (await mkdtemp(join(tmpdir(), 'podpilot-e2e-')));
  const child = spawn(process.execPath, [CLI, 'hub', '--port', '0', ...(opts.args ?? [])], {
    env: { ...process.env, PODPILOT_HOME: home, PODPILOT_LOG_FORMAT: 'json', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let url: string | undefined;
  while (!url) {
    url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    if (url) break;
    if (child.exitCode !== null)
      throw new Error(`hub exited with ${child.exitCode} before listening:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`hub did not start in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const setupUrl = /Set the owner password: (\S+)/.exec(out)?.[1] ?? null;
  return {
    url,
    setupUrl,
    home,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
      if (!opts.home) await rm(home, { recursive: true, force: true });
    },
  };
}

/** Completes the hub's owner setup (from its one-time setup link) and returns a new API token. */
export async function ownerApiToken(hub: HubProcess, password: string, name = 'e2e'): Promise<string> {
  const setupToken = new URLSearchParams(new URL(hub.setupUrl ?? '').hash.slice(1)).get('token');
  const setup = await fetch(`${hub.url}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: setupToken, password }),
  });
  const cookie = setup.headers.get('set-cookie')?.split(';')[0] ?? '';
  const created = await fetch(`${hub.url}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-podpilot-csrf': '1' },
    body: JSON.stringify({ name }),
  });
  return ((await created.json()) as { token: string }).token;
}

/**
 * Whether no hub holds `home` any more: no `hub.lock`, or one whose process has ended (a hub stopped twice
 * over, as a signal to its process group does, may exit before it removes the file; the next one takes it over).
 */
export function hubGone(home: string): boolean {
  let pid: number;
  try {
    pid = (JSON.parse(readFileSync(join(home, 'hub.lock'), 'utf8')) as { pid: number }).pid;
  } catch {
    return true; // no lock (or one half written: a hub that is only starting, which the caller did not start)
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
