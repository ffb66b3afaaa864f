// docker/entrypoint.sh before the agent runs (issue 20): a tailnet that cannot be joined ends in a clear exit
// within the deadline, a stop during `tailscale up` is honoured at once, the commands the entrypoint starts
// get no provider or Tailscale key, and a root-owned workspace volume is given to the podpilot user without
// hiding the image's UIs. Stub tailscale/tailscaled/id/chown; the agent is a stand-in (the real one:
// e2e/agent-entrypoint.test.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../apps/agent/src/provision/test-support/git-repos.js';
import { exitOf, type RunningAgent, waitUntil } from './support/agent-harness.js';
import { cleanEnv, executable } from './support/tailscale-stubs.js';

const ENTRYPOINT = fileURLToPath(new URL('../docker/entrypoint.sh', import.meta.url));
const SECRETS = {
  TS_AUTHKEY: 'tskey-auth-secret',
  CONTAINER_API_KEY: 'vast-secret',
  RUNPOD_API_KEY: 'runpod-secret',
  PODPILOT_BOOTSTRAP_TOKEN: 'bootstrap-secret',
};

/** A stub that writes its pid and environment to `<dir>/<name>.pid|.env`, then hangs (as with no control server). */
const hangingStub = (dir: string, name: string) => `#!/usr/bin/env bash
env > ${JSON.stringify(join(dir, `${name}.env`))}
echo $$ > ${JSON.stringify(join(dir, `${name}.pid`))}
exec sleep 100000
`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('docker/entrypoint.sh: deadlines, stops, environments and volumes before the agent (e2e)', () => {
  const tmp = tempDir('podpilot-entrypoint-boot-');
  const started: ChildProcess[] = [];
  let runs = 0;
  afterAll(() => {
    for (const child of started) child.kill('SIGKILL');
    tmp.cleanup();
  });

  /** A container start: stubs in a bin of its own first on PATH, a fresh workspace, `env` on top. */
  function container(env: Record<string, string>, stubs: (bin: string, dir: string) => void) {
    const dir = join(tmp.dir, `run-${++runs}`);
    const bin = join(dir, 'bin');
    mkdirSync(join(dir, 'ws'), { recursive: true });
    mkdirSync(bin, { recursive: true });
    stubs(bin, dir);
    const child = spawn('bash', [ENTRYPOINT], {
      env: {
        ...cleanEnv(),
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        PODPILOT_WORKSPACE: join(dir, 'ws'),
        PODPILOT_UI_SEED_DIR: join(dir, 'no-seed'),
        PODPILOT_TS_RUN_DIR: join(dir, 'ts-run'),
        PODPILOT_UID: String(process.getuid?.() ?? 1000),
        PODPILOT_GID: String(process.getgid?.() ?? 1000),
        PODPILOT_AGENT_CMD: join(bin, 'agent'),
        PODPILOT_AGENT_RESTARTS: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const run: RunningAgent = { child, output: () => out, exit };
    const file = (name: string) => join(dir, name);
    const pidOf = (name: string) => Number(readFileSync(file(`${name}.pid`), 'utf8'));
    const envOf = (name: string) => readFileSync(file(`${name}.env`), 'utf8');
    return { run, dir, workspace: join(dir, 'ws'), file, pidOf, envOf };
  }

  const tailnetStubs = (bin: string, dir: string) => {
    executable(join(bin, 'tailscaled'), hangingStub(dir, 'tailscaled'));
    executable(join(bin, 'tailscale'), hangingStub(dir, 'tailscale'));
    executable(
      join(bin, 'agent'),
      `#!/usr/bin/env bash\necho agent-started > ${JSON.stringify(join(dir, 'agent.ran'))}\n`,
    );
  };

  it('control server unreachable: `tailscale up` is cut at the deadline and the container exits saying why', async () => {
    const c = container({ ...SECRETS, PODPILOT_TS_JOIN_TIMEOUT_SECONDS: '2' }, tailnetStubs);
    expect(await exitOf(c.run, 60_000), c.run.output()).toBe(1);
    expect(c.run.output()).toContain('entrypoint: tailscale up did not finish within 2s (attempt 1)');
    expect(c.run.output()).toMatch(
      /could not join the tailnet within 2s \(1 attempts\): is the Tailscale control server reachable/,
    );
    expect(existsSync(c.file('agent.ran')), 'the agent never started').toBe(false);
    await waitUntil(
      () => !alive(c.pidOf('tailscale')),
      () => 'the hanging `tailscale up` still runs',
      10_000,
    );
    await waitUntil(
      () => !alive(c.pidOf('tailscaled')),
      () => 'tailscaled still runs',
      10_000,
    );
    // Neither tailscaled nor tailscale saw a provider key, the auth key's variable or a hub token.
    for (const name of ['tailscaled', 'tailscale']) {
      for (const [key, secret] of Object.entries(SECRETS)) {
        expect(c.envOf(name), `${name} got ${key}`).not.toContain(secret);
      }
    }
  });

  it('SIGTERM during `tailscale up` ends it, stops tailscaled and exits 143 at once (no deadline reached)', async () => {
    const c = container({ ...SECRETS, PODPILOT_TS_JOIN_TIMEOUT_SECONDS: '600' }, tailnetStubs);
    await waitUntil(
      () => existsSync(c.file('tailscale.pid')),
      () => c.run.output(),
      30_000,
    );
    c.run.child.kill('SIGTERM');
    expect(await exitOf(c.run, 30_000), c.run.output()).toBe(143);
    expect(c.run.output()).toContain('entrypoint: stopped (SIGTERM) before the agent started');
    expect(c.run.output()).not.toContain('did not finish');
    await waitUntil(
      () => !alive(c.pidOf('tailscale')),
      () => '`tailscale up` still runs',
      10_000,
    );
    await waitUntil(
      () => !alive(c.pidOf('tailscaled')),
      () => 'tailscaled still runs',
      10_000,
    );
    expect(existsSync(c.file('agent.ran'))).toBe(false);
  });

  /** Stubs for the volume case: `id -u` says root (or `uid`), `chown` logs its arguments. */
  const volumeStubs = (uid: string) => (bin: string, dir: string) => {
    executable(
      join(bin, 'id'),
      `#!/usr/bin/env bash\nif [[ $1 == -u ]]; then echo ${uid}; else exec /usr/bin/id "$@"; fi\n`,
    );
    executable(
      join(bin, 'chown'),
      `#!/usr/bin/env bash\necho "chown $*" >> ${JSON.stringify(join(dir, 'chown.log'))}\n`,
    );
    executable(
      join(bin, 'agent'),
      `#!/usr/bin/env bash\nLC_ALL=C ls -A "$PODPILOT_WORKSPACE" > ${JSON.stringify(join(dir, 'agent.ran'))}\n`,
    );
  };

  it('a root-owned workspace volume: given to the podpilot user at start, and the image’s UIs are in it', async () => {
    const seed = join(tmp.dir, 'seed');
    mkdirSync(join(seed, 'ComfyUI'), { recursive: true });
    writeFileSync(join(seed, 'ComfyUI', 'main.py'), 'print("ui")\n');
    const other = String((process.getuid?.() ?? 0) + 4242); // an owner the volume does not have
    const c = container(
      { PODPILOT_UI_SEED_DIR: seed, PODPILOT_UID: other, PODPILOT_GID: other },
      volumeStubs('0'),
    );
    expect(await exitOf(c.run, 30_000), c.run.output()).toBe(0);
    const owner = `${statSync(c.workspace).uid}:${statSync(c.workspace).gid}`;
    expect(readFileSync(c.file('chown.log'), 'utf8').trim().split('\n')).toEqual([
      `chown ${other}:${other} ${c.workspace}`,
      `chown ${other}:${other} ${c.workspace}/.podpilot`,
    ]);
    expect(c.run.output()).toContain(
      `entrypoint: gave ${c.workspace} to ${other}:${other} (it belonged to ${owner})`,
    );
    // Nothing hidden: the UI the image installed under the seed dir is in the volume when the agent starts.
    expect(readFileSync(c.file('agent.ran'), 'utf8').split('\n')).toContain('ComfyUI');
    expect(readFileSync(join(c.workspace, 'ComfyUI', 'main.py'), 'utf8')).toBe('print("ui")\n');
  });

  it('not root: the workspace is left as it is (only root can give it away)', async () => {
    const other = String((process.getuid?.() ?? 0) + 4242);
    const c = container({ PODPILOT_UID: other, PODPILOT_GID: other }, volumeStubs('1000'));
    expect(await exitOf(c.run, 30_000), c.run.output()).toBe(0);
    expect(existsSync(c.file('chown.log'))).toBe(false);
    expect(existsSync(c.file('agent.ran'))).toBe(true);
  });
});
