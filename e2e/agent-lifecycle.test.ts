import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRemote, tempDir } from '../apps/agent/src/provision/test-support/git-repos.js';
import { freePort } from '../apps/agent/src/test-support/free-port.js';
import { TINY_UI, waitUntil } from './support/agent-harness.js';
import { type HubProcess, ownerApiToken, startHub } from './support/hub-process.js';
import { ownerSession } from './support/owner-session.js';

const PASSWORD = 'a long enough owner password';

interface Instance {
  id: string;
  state: string;
  providerInstanceId: string | null;
}

/**
 * The whole lifecycle on the `local` provider, as a user drives it: a real hub process, the real CLI, and
 * the real agent the hub starts (a process with its own workspace) — launch → ready → stop → start → destroy.
 */
describe('launch, stop, start and destroy an instance on the local provider (e2e)', () => {
  const tmp = tempDir('podpilot-lifecycle-e2e-');
  let hub: HubProcess;
  let token: string;

  const { podpilot, api } = ownerSession(() => ({ hub, token }));

  const instance = (id: string) => api<Instance>(`/api/instances/${id}`);

  beforeAll(async () => {
    const port = await freePort();
    hub = await startHub({ args: ['--port', String(port)], env: { PODPILOT_RECONCILE_SECONDS: '5' } });
    token = await ownerApiToken(hub, PASSWORD);
  });
  afterAll(async () => {
    await hub?.stop();
    tmp.cleanup();
  });

  it('goes through every state, keeps the history, and leaves nothing behind', async () => {
    const ui = makeRemote(tmp.dir, 'tiny-ui');
    const commit = ui.commit({ 'main.py': TINY_UI });
    const webuiPort = await freePort();
    const profile = join(tmp.dir, 'tiny.yaml');
    writeFileSync(
      profile,
      `name: tiny\nui: { kind: comfyui, ref: ${commit}, repo: "${ui.url}" }\nargs: ["--port", "${webuiPort}"]\n`,
    );
    expect(podpilot('profile', 'apply', profile).code).toBe(0);

    const launched = podpilot('launch', 'tiny', '--provider', 'local', '--wait', '--json');
    expect(launched.code, `${launched.stderr}\n${hub.output()}`).toBe(0);
    const { id, providerInstanceId } = JSON.parse(launched.stdout) as Instance;
    expect((await instance(id)).state).toBe('ready');
    expect(await (await fetch(`http://127.0.0.1:${webuiPort}/main.py`)).text()).toBe(TINY_UI);
    const folder = join(hub.home, 'local-instances', providerInstanceId ?? '');
    expect(existsSync(join(folder, 'workspace', 'ComfyUI', 'main.py'))).toBe(true);

    const ps = podpilot('ps', '--json');
    expect(JSON.parse(ps.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ id, state: 'ready' })]),
    );

    const stopped = podpilot('stop', id);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect((await instance(id)).state).toBe('stopped');
    await expect(fetch(`http://127.0.0.1:${webuiPort}/`)).rejects.toThrow(); // the WebUI went with it
    expect(existsSync(join(folder, 'workspace', 'ComfyUI', 'main.py'))).toBe(true); // the disk stays

    expect(podpilot('start', id).code).toBe(0);
    await waitUntil(
      async () => (await instance(id)).state === 'ready',
      () => `never ready again:\n${hub.output().slice(-3000)}`,
      90_000,
    );

    const destroyed = podpilot('destroy', id, '--yes');
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect((await instance(id)).state).toBe('destroyed');
    expect(existsSync(folder)).toBe(false);

    const { transitions } = await api<{ transitions: { to: string }[] }>(`/api/instances/${id}/transitions`);
    const states = transitions.map((t) => t.to);
    for (const state of ['requested', 'launching', 'booting', 'ready', 'stopping', 'stopped', 'destroyed'])
      expect(states, states.join(' → ')).toContain(state);
    expect(states.indexOf('stopped')).toBeLessThan(states.lastIndexOf('ready'));
    expect(states.at(-1)).toBe('destroyed');
  });
});
