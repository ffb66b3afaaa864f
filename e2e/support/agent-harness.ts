import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Db } from '../../apps/hub/src/db/db.js';
import { hubRequests, type TestHub } from '../../apps/hub/src/test-support/app.js';
import { insertInstance, latestProfileVersion } from '../../apps/hub/src/test-support/costs.js';

const CLI = fileURLToPath(new URL('../../apps/cli/dist/main.js', import.meta.url));

/** A "WebUI" for the comfyui kind: `python main.py … --port N` serving files until SIGTERM. */
export const TINY_UI = `import sys, http.server
args = sys.argv[1:]
port = 8188
for i, a in enumerate(args):
    if a == '--port':
        port = int(args[i + 1])
print('tiny ui listening on', port, flush=True)
http.server.ThreadingHTTPServer(('127.0.0.1', port), http.server.SimpleHTTPRequestHandler).serve_forever()
`;

export interface RunningAgent {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The agent's exit code; throws with its output when it has not exited within `timeoutMs`. */
export async function exitOf(agent: RunningAgent, timeoutMs = 60_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`agent still running:\n${agent.output()}`)), timeoutMs);
  });
  try {
    return await Promise.race([agent.exit, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns true; throws with `explain()` after `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  explain: () => string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(explain());
    await sleep(200);
  }
}

/**
 * Runs real `podpilot agent` processes against an in-process hub: makes instances of profiles (what a launch
 * will do), starts agents, and waits for what they print or for the hub's view of the instance.
 */
export function agentHarness(ctx: () => { hub: TestHub & { cookie: string }; db: Db }) {
  const children: ChildProcess[] = [];
  const workspaces = new Set<string>();

  /** Applies the profile and makes an instance of it with a bootstrap token. */
  async function instanceOf(yaml: string, name: string): Promise<{ id: string; bootstrap: string }> {
    const { hub, db } = ctx();
    const put = await hubRequests(() => hub).putProfile(name, yaml);
    expect(put.statusCode, put.body).toBeLessThan(300);
    const id = await insertInstance(db, {
      name,
      provider: 'local',
      state: 'launching',
      profileVersionId: await latestProfileVersion(db, name),
      transitions: [],
    });
    return { id, bootstrap: await hub.services.bootstrapTokens.mint(id) };
  }

  function runAgent(workspace: string, bootstrap?: string, env: Record<string, string> = {}): RunningAgent {
    const child = spawn(process.execPath, [CLI, 'agent'], {
      env: {
        ...process.env,
        PODPILOT_HUB_URL: ctx().hub.url,
        PODPILOT_WORKSPACE: workspace,
        ...(bootstrap ? { PODPILOT_BOOTSTRAP_TOKEN: bootstrap } : {}),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    workspaces.add(workspace);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    return { child, output: () => out, exit };
  }

  const waitForOutput = (agent: RunningAgent, pattern: RegExp, timeoutMs = 60_000) =>
    waitUntil(
      () => pattern.test(agent.output()),
      () => `agent never printed ${pattern}:\n${agent.output()}`,
      timeoutMs,
    );

  async function waitForState(id: string, state: string, timeoutMs = 90_000): Promise<void> {
    const { hub } = ctx();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = (await hub.services.instances.get(id)).state;
      if (current === state) return;
      if (current === 'failed') {
        const events = await hub.services.instances.events(id, 20);
        throw new Error(`instance failed: ${events.map((e) => `${e.kind}: ${e.message}`).join('\n')}`);
      }
      if (Date.now() > deadline) throw new Error(`instance stayed ${current}, expected ${state}`);
      await sleep(250);
    }
  }

  /** Kills every agent and the WebUIs they started (their own process groups outlive a SIGKILLed agent). */
  const killAll = () => {
    for (const child of children) child.kill('SIGKILL');
    for (const workspace of workspaces) {
      try {
        const { pid } = JSON.parse(readFileSync(join(workspace, '.podpilot', 'webui.pid'), 'utf8'));
        process.kill(-pid, 'SIGKILL');
      } catch {
        // No WebUI left running there.
      }
    }
  };

  return { instanceOf, runAgent, waitForOutput, waitForState, killAll };
}
