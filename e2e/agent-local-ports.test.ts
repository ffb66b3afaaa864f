import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRemote, tempDir } from '../apps/agent/src/provision/test-support/git-repos.js';
import { TINY_UI } from './support/agent-harness.js';
import { type HubProcess, ownerApiToken, startHub } from './support/hub-process.js';
import { ownerSession } from './support/owner-session.js';

const CLI = fileURLToPath(new URL('../apps/cli/dist/main.js', import.meta.url));
const PASSWORD = 'a long enough owner password';

interface Instance {
  id: string;
  state: string;
  providerInstanceId: string | null;
}

/**
 * Two instances of one profile on the `local` provider share this machine: each WebUI gets a port of its own
 * (the UI kind's default would be the same for both, and the second would have been "ready" on the first's
 * server). And one home holds one hub: a second `podpilot hub` on it refuses to start.
 */
describe('the local provider on one machine (e2e)', () => {
  const tmp = tempDir('podpilot-local-ports-e2e-');
  let hub: HubProcess;
  let token: string;
  const { podpilot, api } = ownerSession(() => ({ hub, token }));

  beforeAll(async () => {
    hub = await startHub();
    token = await ownerApiToken(hub, PASSWORD);
  });
  afterAll(async () => {
    await hub?.stop();
    tmp.cleanup();
  });

  it('gives two instances of one profile a WebUI port each, both ready, each answering from its own folder', async () => {
    const ui = makeRemote(tmp.dir, 'tiny-ui');
    const commit = ui.commit({ 'main.py': TINY_UI });
    const profile = join(tmp.dir, 'tiny.yaml');
    // No port in the profile: the UI kind's default (8188) for both, unless the provider gives each its own.
    writeFileSync(profile, `name: tiny\nui: { kind: comfyui, ref: ${commit}, repo: "${ui.url}" }\n`);
    expect(podpilot('profile', 'apply', profile).code).toBe(0);

    const launch = () => {
      const launched = podpilot('launch', 'tiny', '--provider', 'local', '--wait', '--json');
      expect(launched.code, `${launched.stderr}\n${hub.output().slice(-3000)}`).toBe(0);
      return JSON.parse(launched.stdout) as Instance;
    };
    const instances = [launch(), launch()];
    const ports: number[] = [];
    for (const { id, providerInstanceId } of instances) {
      expect((await api<Instance>(`/api/instances/${id}`)).state).toBe('ready');
      const folder = join(hub.home, 'local-instances', providerInstanceId ?? '');
      const record = JSON.parse(readFileSync(join(folder, 'instance.json'), 'utf8')) as { webuiPort: number };
      ports.push(record.webuiPort);
      // Each UI serves its own workspace: a file only this instance has proves whose server answers.
      writeFileSync(join(folder, 'workspace', 'ComfyUI', 'whose.txt'), id);
      expect(await (await fetch(`http://127.0.0.1:${record.webuiPort}/whose.txt`)).text()).toBe(id);
    }
    expect(ports[0]).not.toBe(ports[1]);
    expect(ports).not.toContain(8188);
    for (const { id } of instances) expect(podpilot('destroy', id, '--yes').code).toBe(0);
  });

  it('refuses a second hub on the same home, naming the first one (one line, exit 2)', () => {
    const res = spawnSync(process.execPath, [CLI, 'hub', '--port', '0'], {
      env: { ...process.env, PODPILOT_HOME: hub.home, PODPILOT_LOG_FORMAT: 'json' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.status, res.stderr).toBe(2);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const port = new URL(hub.url).port;
    expect(lines[0]).toMatch(
      new RegExp(
        `^podpilot: invalid configuration: PODPILOT_HOME: .* is in use by another hub \\(pid ${hub.child.pid}, port ${port}, `,
      ),
    );
  });
});
