/**
 * The local provider's tests with real processes: a tiny fake agent (a node script) that writes what it was
 * started with into its workspace (`agent-<pid>.json`) and runs until SIGTERM, and the helpers around it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import type { LaunchSpec } from '../../provider.js';
import { LocalProvider, type LocalProviderOptions } from '../local-provider.js';

/**
 * Env switches: `FAKE_IGNORE_TERM=1` ignores SIGTERM (and notes it in `term-<pid>.json`); `FAKE_UI=1` starts
 * a "WebUI" in a group of its own (`ui.json`); `FAKE_EXIT_CODE=<n>` exits with n right after its report.
 */
const FAKE_AGENT = `
import { spawn } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const workspace = process.env.PODPILOT_WORKSPACE;
const write = (name, value) => {
  writeFileSync(join(workspace, name + '.tmp'), JSON.stringify(value));
  renameSync(join(workspace, name + '.tmp'), join(workspace, name));
};
process.on('SIGTERM', () => {
  if (process.env.FAKE_IGNORE_TERM === '1') return write('term-' + process.pid + '.json', {});
  console.log('fake agent stopping');
  process.exit(0);
});
if (process.env.FAKE_UI === '1') {
  // Like the real agent's WebUI: a group of its own, the environment minus PODPILOT_*.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PODPILOT_')));
  const ui = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore', env });
  ui.unref();
  write('ui.json', { pid: ui.pid });
}
write('agent-' + process.pid + '.json', { pid: process.pid, cwd: process.cwd(), env: process.env });
console.log('fake agent up');
if (process.env.FAKE_EXIT_CODE !== undefined) process.exit(Number(process.env.FAKE_EXIT_CODE));
setInterval(() => {}, 1000);
`;

export interface AgentReport {
  pid: number;
  cwd: string;
  env: Record<string, string>;
}

export const hasProcfs = existsSync('/proc/self/stat');

/** A live process; a zombie (ended, not yet reaped by whoever adopted it) counts as gone. */
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!hasProcfs) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
};

/** Polls `check` until it gives a value (generous deadline: a loaded 2-core machine). */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export const specFor = (env: Record<string, string> = {}, instanceId = randomUUID()): LaunchSpec => ({
  instanceId,
  offerId: 'local',
  image: 'ignored',
  env: { PODPILOT_HUB_URL: 'http://127.0.0.1:7300', PODPILOT_BOOTSTRAP_TOKEN: 'bootstrap-secret', ...env },
  diskGb: 0,
  ports: [8188],
});

interface StoredRecord {
  state: string;
  env: Record<string, string>;
  process: { pid: number } | null;
  restarts?: string[];
}

/**
 * Registers the hooks (a temp root per test, every instance destroyed after it) and returns the helpers.
 * `defaults` are the options of every `make()` besides root, the fake agent and a 5 s stop timeout.
 */
export function localTestbed(defaults: Partial<LocalProviderOptions> = {}) {
  let scripts = '';
  let root = '';
  /** Every provider a test made: each destroys the instances after it, so none has a restart left pending. */
  let made: LocalProvider[] = [];
  const make = (options: Partial<LocalProviderOptions> = {}) => {
    const provider = new LocalProvider({
      root,
      command: [process.execPath, join(scripts, 'fake-agent.mjs')],
      stopTimeoutMs: 5_000,
      ...defaults,
      ...options,
    });
    made.push(provider);
    return provider;
  };
  const workspaceOf = (id: string) => join(root, id, 'workspace');
  const reportNames = async (id: string) =>
    (await readdir(workspaceOf(id)).catch(() => [])).filter((n) => /^agent-\d+\.json$/.test(n));
  const readReport = async (id: string, name: string) =>
    JSON.parse(await readFile(join(workspaceOf(id), name), 'utf8')) as AgentReport;
  /** The report of the agent with `pid`, or of the only/newest one when no pid is given. */
  const report = (id: string, pid?: number) =>
    waitFor(async () => {
      const names = await reportNames(id);
      const name = pid === undefined ? names.at(-1) : names.find((n) => n === `agent-${pid}.json`);
      return name ? readReport(id, name) : undefined;
    }, `the agent's report in ${id}`);
  const recordOf = async (id: string) =>
    JSON.parse(await readFile(join(root, id, 'instance.json'), 'utf8')) as StoredRecord;
  const pidOf = async (id: string) => {
    const pid = (await recordOf(id)).process?.pid;
    if (!pid) throw new Error(`no pid recorded for ${id}`);
    return pid;
  };
  const logOf = (id: string) => readFile(join(root, id, 'agent.log'), 'utf8');

  beforeAll(async () => {
    scripts = await mkdtemp(join(tmpdir(), 'podpilot-fake-agent-'));
    await writeFile(join(scripts, 'fake-agent.mjs'), FAKE_AGENT);
  });
  afterAll(async () => {
    await rm(scripts, { recursive: true, force: true });
  });
  beforeEach(async () => {
    root = join(await mkdtemp(join(tmpdir(), 'podpilot-local-')), 'local-instances');
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    const ids = (await make({ stopTimeoutMs: 500 }).list()).map((instance) => instance.id);
    for (const provider of made) for (const id of ids) await provider.destroy(id);
    made = [];
    await rm(join(root, '..'), { recursive: true, force: true });
  });

  return {
    make,
    root: () => root,
    scripts: () => scripts,
    workspaceOf,
    report,
    reportNames,
    recordOf,
    pidOf,
    logOf,
  };
}
