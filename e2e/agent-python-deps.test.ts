import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRemote } from '../apps/agent/src/provision/test-support/git-repos.js';
import { freePort } from '../apps/agent/src/test-support/free-port.js';
import { exitOf, TINY_UI, waitUntil } from './support/agent-harness.js';
import { useAgentHub } from './support/agent-hub.js';
import { writeWheel } from './support/wheels.js';

/** The tiny UI, first writing which Python runs it and what it can import from the overlay. */
const UI_CHECKING_PYTHON = `import sys, json
try:
    import pp_good_dep
    found = pp_good_dep.VERSION
except ImportError:
    found = None
open('python-check.json', 'w').write(json.dumps({'prefix': sys.prefix, 'good': found}))
import os
try:
    import pp_missing_dep
except ImportError as e:
    # As ComfyUI reports a custom node it cannot load.
    node = os.path.join(os.getcwd(), 'custom_nodes', 'bad-node')
    print(f"Cannot import {node} module for custom nodes: {e}", flush=True)
    print(f"   0.0 seconds (IMPORT FAILED): {node}", flush=True)
${TINY_UI}`;

describe('the agent installs the Python packages of custom nodes (e2e, offline)', () => {
  const { tmp, ref, instanceOf, runAgent, waitForOutput, waitForState } = useAgentHub('podpilot-python-e2e-');
  // pip sees only the profile's wheel folder: no index, not this machine's pip configuration.
  const offlinePip = { PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: '1', PIP_FIND_LINKS: '' };

  const eventsOf = async (id: string) => await ref.hub.services.instances.events(id, 200);

  it('ready with the good node installed and the bad one named with pip reason; a restart installs nothing', {
    timeout: 240_000,
  }, async () => {
    const wheels = join(tmp.dir, 'wheels');
    writeWheel(wheels, 'pp-good-dep', '1.0.0');
    const ui = makeRemote(tmp.dir, 'tiny-ui');
    const uiCommit = ui.commit({ 'main.py': UI_CHECKING_PYTHON });
    const good = makeRemote(tmp.dir, 'good-node');
    const goodCommit = good.commit({ '__init__.py': '', 'requirements.txt': 'pp-good-dep==1.0.0\n' });
    const bad = makeRemote(tmp.dir, 'bad-node');
    const badCommit = bad.commit({ '__init__.py': '', 'requirements.txt': 'pp-missing-dep>=9\n' });
    const port = await freePort();
    const yaml = `name: deps
ui: { kind: comfyui, ref: ${uiCommit}, repo: "${ui.url}" }
extensions:
  - { url: "${good.url}", ref: ${goodCommit}, name: good-node }
  - { url: "${bad.url}", ref: ${badCommit}, name: bad-node }
python:
  findLinks: ["${wheels}"]
args: ["--port", "${port}"]
`;
    const { id, bootstrap } = await instanceOf(yaml, 'deps');
    const workspace = join(tmp.dir, 'ws');
    const first = runAgent(workspace, bootstrap, offlinePip);
    await waitForState(id, 'ready', 180_000).catch((error: Error) => {
      throw new Error(`${error.message}\nagent output:\n${first.output()}`);
    });

    const events = await eventsOf(id);
    const installed = events.filter((e) => e.kind === 'python.installed');
    expect(installed.map((e) => e.message)).toEqual(['extension good-node: Python packages installed']);
    const failed = events.filter((e) => e.kind === 'python.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 'warn' });
    expect(failed[0]?.message).toMatch(
      /^extension bad-node: .*No matching distribution found for pp-missing-dep>=9/s,
    );
    // The UI runs on the overlay venv and imports what the good node needed.
    const check = JSON.parse(await readFile(join(workspace, 'ComfyUI', 'python-check.json'), 'utf8'));
    expect(check).toEqual({ prefix: join(workspace, '.podpilot', 'venv'), good: '1.0.0' });
    // What the UI itself says it could not load is a warning of its own, naming the extension.
    await waitUntil(
      async () => (await eventsOf(id)).some((e) => e.kind === 'webui.import-failed'),
      () => `no import failure reported:\n${first.output()}`,
    );
    const importFailed = (await eventsOf(id)).filter((e) => e.kind === 'webui.import-failed');
    expect(importFailed).toHaveLength(1);
    expect(importFailed[0]?.message).toMatch(/^extension bad-node: .*No module named 'pp_missing_dep'/);

    first.child.kill('SIGTERM');
    expect(await exitOf(first)).toBe(0);

    // Restart on the same workspace: nothing changed, so the good node runs no pip and nothing is installed.
    const second = runAgent(workspace, undefined, offlinePip);
    await waitForOutput(second, /ready: the WebUI answers/, 180_000);
    expect(second.output()).toContain('extension good-node: Python packages unchanged');
    expect(second.output()).not.toContain('Python packages installed');
    await waitUntil(
      async () => (await eventsOf(id)).filter((e) => e.kind === 'python.failed').length === 2,
      () => `the restart did not report bad-node again:\n${second.output()}`,
    );
    expect((await eventsOf(id)).filter((e) => e.kind === 'python.installed')).toHaveLength(1);
    second.child.kill('SIGTERM');
    expect(await exitOf(second)).toBe(0);
  });
});
