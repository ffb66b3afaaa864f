import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Profile } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { makeRemote } from '../apps/agent/src/provision/test-support/git-repos.js';
import { freePort } from '../apps/agent/src/test-support/free-port.js';
import { hubRequests } from '../apps/hub/src/test-support/app.js';
import { insertInstance, latestProfileVersion } from '../apps/hub/src/test-support/costs.js';
import { exitOf, TINY_UI } from './support/agent-harness.js';
import { useAgentHub } from './support/agent-hub.js';
import { writeWheel } from './support/wheels.js';

/**
 * Snapshots capture Python packages: a package installed by hand into a running instance's overlay venv is
 * pinned in the snapshot's profile version, and an instance provisioned from that version has it.
 */
describe('a snapshot pins the Python packages installed by hand, and its launch installs them (e2e, offline)', () => {
  const { tmp, ref, snapshot, instanceOf, runAgent, waitForState } = useAgentHub(
    'podpilot-python-snapshot-e2e-',
  );
  const { owner, ok } = hubRequests(() => ref.hub);
  // pip sees only the test's wheel folder: no index, not this machine's pip configuration.
  const offlinePip = { PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: '1', PIP_FIND_LINKS: '' };
  const venvBin = (workspace: string, tool: string) => join(workspace, '.podpilot', 'venv', 'bin', tool);

  it('lists the package in the snapshot, whose launch installs it', { timeout: 300_000 }, async () => {
    const wheels = join(tmp.dir, 'wheels');
    writeWheel(wheels, 'pp-snap-dep', '1.3.0');
    const ui = makeRemote(tmp.dir, 'tiny-ui');
    const uiCommit = ui.commit({ 'main.py': TINY_UI });
    const port = await freePort();
    const yaml = `name: pysnap
ui: { kind: comfyui, ref: ${uiCommit}, repo: "${ui.url}" }
python:
  findLinks: ["${wheels}"]
args: ["--port", "${port}"]
`;
    const { id, bootstrap } = await instanceOf(yaml, 'pysnap');
    const ws1 = join(tmp.dir, 'ws1');
    const first = runAgent(ws1, bootstrap, offlinePip);
    await waitForState(id, 'ready', 180_000).catch((error: Error) => {
      throw new Error(`${error.message}\nagent output:\n${first.output()}`);
    });

    // --- the user installs a package by hand, in the instance's terminal ---
    execFileSync(venvBin(ws1, 'pip'), ['install', '--no-index', '--find-links', wheels, 'pp-snap-dep'], {
      env: { ...process.env, ...offlinePip },
      stdio: 'pipe',
    });

    const result = await snapshot(id);
    expect(result, first.output()).toMatchObject({ profile: 'pysnap', version: 2, created: true });
    expect(result?.changes).toEqual(['Python packages: pp-snap-dep==1.3.0 added']);
    expect(result?.warnings).toEqual([]);
    const spec = ok(await owner('GET', '/api/profiles/pysnap?version=2'), 'version').json().spec as Profile;
    expect(spec.python).toEqual({ findLinks: [wheels], packages: ['pp-snap-dep==1.3.0'] });
    first.child.kill('SIGTERM');
    expect(await exitOf(first)).toBe(0);

    // --- a new instance of the snapshot's version, on a fresh workspace ---
    const second = await insertInstance(ref.db, {
      name: 'pysnap-2',
      provider: 'local',
      state: 'launching',
      profileVersionId: await latestProfileVersion(ref.db, 'pysnap'),
      transitions: [],
    });
    const ws2 = join(tmp.dir, 'ws2');
    const agent2 = runAgent(ws2, await ref.hub.services.bootstrapTokens.mint(second), offlinePip);
    await waitForState(second, 'ready', 180_000).catch((error: Error) => {
      throw new Error(`${error.message}\nagent output:\n${agent2.output()}`);
    });
    const imported = execFileSync(
      venvBin(ws2, 'python'),
      ['-c', 'import pp_snap_dep; print(pp_snap_dep.VERSION)'],
      {
        encoding: 'utf8',
      },
    );
    expect(imported.trim()).toBe('1.3.0');
    agent2.child.kill('SIGTERM');
    expect(await exitOf(agent2)).toBe(0);
  });
});
