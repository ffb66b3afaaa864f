/**
 * What a local agent, and the WebUI it starts, inherit from the hub's environment: an allowlist, read back
 * from the real processes (`/proc/<pid>/environ`), not from what the provider meant to pass.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { inheritedEnv } from './agent-process.js';
import { hasProcfs, localTestbed, specFor, waitFor } from './test-support/local-testbed.js';

/** The environment a live process runs with, as the kernel has it. */
async function environOf(pid: number): Promise<Record<string, string>> {
  const raw = await readFile(`/proc/${pid}/environ`, 'utf8');
  return Object.fromEntries(
    raw
      .split('\0')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

/** What a hub's shell may hold besides its settings: none of it is any agent's business. */
const HUB_SECRETS = {
  HF_TOKEN: 'hf_secret_of_the_hub_user',
  AWS_SECRET_ACCESS_KEY: 'aws-secret',
  AWS_ACCESS_KEY_ID: 'AKIAHUB',
  GITHUB_TOKEN: 'ghp_hub',
  OPENAI_API_KEY: 'sk-hub',
  PODPILOT_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
  PODPILOT_SECRET_KEY: Buffer.alloc(32, 8).toString('base64'),
  PODPILOT_S3_SECRET_ACCESS_KEY: 's3-secret',
  DATABASE_URL: 'postgres://hub:password@127.0.0.1/podpilot',
  PGPASSWORD: 'password',
  PYTHONPATH: '/hub/python',
};

/** What a program needs to run here, and so does reach the agent. */
const MACHINE = {
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  TZ: 'UTC',
  HTTPS_PROXY: 'http://127.0.0.1:3128',
  no_proxy: '127.0.0.1',
  CUDA_VISIBLE_DEVICES: '0',
  NVIDIA_DRIVER_CAPABILITIES: 'compute,utility',
  PIP_INDEX_URL: 'http://127.0.0.1:3141/simple',
};

describe('inheritedEnv', () => {
  it('keeps the allowlisted names only', () => {
    const env = inheritedEnv({ ...HUB_SECRETS, ...MACHINE, PATH: '/usr/bin', HOME: '/home/hub', X: '1' });
    expect(env).toEqual({ ...MACHINE, PATH: '/usr/bin', HOME: '/home/hub' });
  });
});

describe.runIf(hasProcfs)('a local agent’s environment (real processes)', () => {
  const { make, workspaceOf, report } = localTestbed({ agentRestarts: { maxRestarts: 0 } });

  it('holds none of the hub’s secrets, in the agent and in the WebUI it starts', async () => {
    for (const [name, value] of Object.entries({ ...HUB_SECRETS, ...MACHINE })) vi.stubEnv(name, value);
    const local = make();
    const { id } = await local.launch(specFor({ FAKE_UI: '1', PROFILE_VAR: 'from the launch' }));
    const agent = await report(id);
    const ui = await waitFor(
      async () =>
        (JSON.parse(await readFile(join(workspaceOf(id), 'ui.json'), 'utf8').catch(() => 'null')) as {
          pid: number;
        } | null) ?? undefined,
      'the WebUI',
    );

    const agentEnv = await environOf(agent.pid);
    const uiEnv = await environOf(ui.pid);
    for (const env of [agentEnv, uiEnv]) {
      for (const name of Object.keys(HUB_SECRETS)) expect(env, name).not.toHaveProperty(name);
      expect(env).toMatchObject({ ...MACHINE, PATH: process.env.PATH, PROFILE_VAR: 'from the launch' });
    }
    expect(agentEnv).toMatchObject({
      PODPILOT_PROVIDER: 'local',
      PODPILOT_BOOTSTRAP_TOKEN: 'bootstrap-secret',
    });
    // Everything the agent has is the allowlist or what the launch set: nothing else leaks through.
    const launched = new Set(['PROFILE_VAR', 'FAKE_UI', 'LOCAL_PODPILOT_INSTANCE']);
    const unexpected = Object.keys(agentEnv).filter(
      (name) => !launched.has(name) && !name.startsWith('PODPILOT_') && !(name in inheritedEnv(agentEnv)),
    );
    expect(unexpected).toEqual([]);
  });
});
