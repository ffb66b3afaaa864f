import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SnapshotStatus } from '@podpilot/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, makeRemote, tempDir } from '../apps/agent/src/provision/test-support/git-repos.js';
import { freePort } from '../apps/agent/src/test-support/free-port.js';
import { TINY_UI } from './support/agent-harness.js';
import { type HubProcess, ownerApiToken, startHub } from './support/hub-process.js';
import { ownerSession } from './support/owner-session.js';

const PASSWORD = 'a long enough owner password';
const MiB = 1024 * 1024;
const SETTINGS = 'user/default/comfy.settings.json';
const WORKFLOW = 'user/default/workflows/portrait.json';
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const short = (commit: string) => commit.slice(0, 12);

interface Instance {
  id: string;
  state: string;
  providerInstanceId: string | null;
}

/** Every regular file under `dir`, relative to it, with its sha256 (what "the same models" means). */
function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (statSync(full).isFile()) out[relative(dir, full)] = sha(readFileSync(full));
    }
  };
  walk(dir);
  return out;
}

/** Extension folder → HEAD commit. */
function extensionCommits(uiDir: string): Record<string, string> {
  const dir = join(uiDir, 'custom_nodes');
  return Object.fromEntries(
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== '__pycache__')
      .map((e) => [e.name, git(join(dir, e.name), 'rev-parse', 'HEAD')]),
  );
}

/**
 * Environment replication, as a user does it on the `local` provider: launch a profile, change the running
 * instance by hand, snapshot it, and launch the snapshot elsewhere — the second workspace must match.
 */
describe('snapshot a changed instance and launch it again, identical (e2e)', () => {
  const tmp = tempDir('podpilot-snapshot-e2e-');
  let hub: HubProcess;
  let token: string;
  const { podpilot, api } = ownerSession(() => ({ hub, token }));
  const instance = (id: string) => api<Instance>(`/api/instances/${id}`);
  const uiDirOf = (i: Instance) =>
    join(hub.home, 'local-instances', i.providerInstanceId ?? '', 'workspace', 'ComfyUI');

  beforeAll(async () => {
    hub = await startHub({ args: ['--port', String(await freePort())] });
    token = await ownerApiToken(hub, PASSWORD);
  });
  afterAll(async () => {
    await hub?.stop();
    tmp.cleanup();
  });

  it('lists exactly the changes, uploads the new model, and a second instance matches byte for byte', {
    timeout: 240_000,
  }, async () => {
    // --- the profile: a UI, two extensions, a model from the library, a settings file ---
    const ui = makeRemote(tmp.dir, 'tiny-ui');
    const uiCommit = ui.commit({ 'main.py': TINY_UI });
    const nodesA = makeRemote(tmp.dir, 'nodes-a');
    const a1 = nodesA.commit({ '__init__.py': 'VERSION = 1\n' });
    const a2 = nodesA.commit({ '__init__.py': 'VERSION = 2\n' });
    const nodesB = makeRemote(tmp.dir, 'nodes-b');
    const b1 = nodesB.commit({ '__init__.py': 'NAME = "b"\n' });
    const nodesC = makeRemote(tmp.dir, 'nodes-c');
    const c1 = nodesC.commit({ '__init__.py': 'VERSION = 1\n' });
    nodesC.commit({ '__init__.py': 'VERSION = 2\n' }); // the new extension is added at an older commit

    const base = randomBytes(2 * MiB);
    writeFileSync(join(tmp.dir, 'base.safetensors'), base);
    const pushed = podpilot('models', 'push', join(tmp.dir, 'base.safetensors'), '--kind', 'lora');
    expect(pushed.code, pushed.stderr).toBe(0);

    const port = await freePort();
    const profile = join(tmp.dir, 'tiny.yaml');
    writeFileSync(
      profile,
      `name: tiny
ui: { kind: comfyui, ref: ${uiCommit}, repo: "${ui.url}" }
extensions:
  - { url: "${nodesA.url}", ref: ${a1} }
  - { url: "${nodesB.url}", ref: ${b1} }
models:
  - { name: base, kind: lora, sha256: ${sha(base)}, source: { storage: models/sha256/${sha(base)} }, file: base.safetensors }
files:
  - { path: ${SETTINGS}, content: '{"Comfy.UseNewMenu": "Top"}' }
args: ["--port", "${port}"]
`,
    );
    expect(podpilot('profile', 'apply', profile).code).toBe(0);

    const launched = podpilot('launch', 'tiny', '--provider', 'local', '--wait', '--json');
    expect(launched.code, `${launched.stderr}\n${hub.output().slice(-3000)}`).toBe(0);
    const first = JSON.parse(launched.stdout) as Instance;
    const uiDir = uiDirOf(first);
    expect(extensionCommits(uiDir)).toEqual({ 'nodes-a': a1, 'nodes-b': b1 });

    // --- the user changes the running instance by hand ---
    const nodes = join(uiDir, 'custom_nodes');
    git(nodes, 'clone', '-q', nodesC.url, 'nodes-c');
    git(join(nodes, 'nodes-c'), 'checkout', '-q', '--detach', c1);
    git(join(nodes, 'nodes-a'), 'fetch', '-q', '--depth', '1', 'origin', a2);
    git(join(nodes, 'nodes-a'), 'checkout', '-q', '--detach', a2);
    const dropped = randomBytes(3 * MiB + 123);
    mkdirSync(join(uiDir, 'models/checkpoints'), { recursive: true }); // ComfyUI's own checkout has it
    writeFileSync(join(uiDir, 'models/checkpoints/dropped.safetensors'), dropped);
    const settings = '{"Comfy.UseNewMenu": "Bottom", "Comfy.Locale": "fr"}';
    writeFileSync(join(uiDir, SETTINGS), settings);
    mkdirSync(join(uiDir, 'user/default/workflows'), { recursive: true }); // saved from the UI
    writeFileSync(join(uiDir, WORKFLOW), '{"last_node_id": 9, "nodes": []}\n');

    // --- snapshot ---
    const snap = podpilot('snapshot', first.id, '--wait', '--json');
    expect(snap.code, `${snap.stderr}\n${hub.output().slice(-3000)}`).toBe(0);
    const result = JSON.parse(snap.stdout) as SnapshotStatus;
    expect(result).toMatchObject({ profile: 'tiny', version: 2, created: true, complete: true });
    expect([...result.changes].sort()).toEqual(
      [
        `extension nodes-a moved ${short(a1)}→${short(a2)}`,
        `extension nodes-c added at ${short(c1)} (${nodesC.url})`,
        'model dropped.safetensors added',
        `file ${SETTINGS} changed`,
        `file ${WORKFLOW} added`,
      ].sort(),
    );
    expect(result.warnings).toEqual([]);
    expect(result.uploads).toEqual([
      {
        path: 'models/checkpoints/dropped.safetensors',
        sha256: sha(dropped),
        sizeBytes: dropped.length,
        status: 'available',
      },
    ]);

    // --- a second instance from the snapshot (the first stopped: the WebUI port is the profile's) ---
    expect(podpilot('stop', first.id).code).toBe(0);
    const again = podpilot('launch', 'tiny@2', '--provider', 'local', '--wait', '--json');
    expect(again.code, `${again.stderr}\n${hub.output().slice(-3000)}`).toBe(0);
    const second = JSON.parse(again.stdout) as Instance;
    expect((await instance(second.id)).state).toBe('ready');
    const uiDir2 = uiDirOf(second);
    expect(uiDir2).not.toBe(uiDir);

    expect(git(uiDir2, 'rev-parse', 'HEAD')).toBe(git(uiDir, 'rev-parse', 'HEAD'));
    expect(extensionCommits(uiDir2)).toEqual({ 'nodes-a': a2, 'nodes-b': b1, 'nodes-c': c1 });
    expect(extensionCommits(uiDir2)).toEqual(extensionCommits(uiDir));
    const models = hashes(join(uiDir, 'models'));
    expect(models).toMatchObject({
      'loras/base.safetensors': sha(base),
      'checkpoints/dropped.safetensors': sha(dropped),
    });
    expect(hashes(join(uiDir2, 'models'))).toEqual(models);
    expect(readFileSync(join(uiDir2, SETTINGS))).toEqual(readFileSync(join(uiDir, SETTINGS)));
    expect(readFileSync(join(uiDir2, SETTINGS), 'utf8')).toBe(settings);
    expect(readFileSync(join(uiDir2, WORKFLOW))).toEqual(readFileSync(join(uiDir, WORKFLOW)));

    expect(podpilot('destroy', second.id, '--yes').code).toBe(0);
    expect(podpilot('destroy', first.id, '--yes').code).toBe(0);
  });
});
