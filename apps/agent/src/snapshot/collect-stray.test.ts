import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRemote, tempDir } from '../provision/test-support/git-repos.js';
import { clone, plainSnapshot, write } from './test-support/snapshot-fixture.js';

describe('collectSnapshot: model weights outside the model folders', () => {
  let root: string;
  let cleanup: () => void;
  const snapshotOf = (ui: string, uiKind: 'comfyui' | 'a1111') => plainSnapshot(root, ui, uiKind);
  beforeEach(() => {
    ({ dir: root, cleanup } = tempDir('podpilot-snapshot-'));
  });
  afterEach(() => cleanup());

  it('names model weights outside the model folders, except what a checkout tracks', async () => {
    const ui = join(root, 'ComfyUI');
    const MiB = 1024 * 1024;
    const uiRemote = makeRemote(root, 'ui');
    uiRemote.commit({ 'main.py': 'print(1)\n', '.gitignore': '*.safetensors\n' });
    clone(uiRemote, ui);
    const nodes = makeRemote(root, 'nodes');
    nodes.commit({
      '__init__.py': '',
      '.gitignore': 'models/\n',
      'weights.bin': Buffer.alloc(MiB, 1).toString('latin1'), // shipped with the extension
    });
    clone(nodes, join(ui, 'custom_nodes/nodes'));
    write(join(ui, 'custom_nodes/nodes/models/detector.pth'), Buffer.alloc(2 * MiB, 2)); // its own download
    write(join(ui, 'custom_nodes/nodes/models/config.pt'), 'tiny'); // too small to be weights
    write(join(ui, 'stray.safetensors'), Buffer.alloc(MiB, 3));
    write(join(ui, 'models/checkpoints/ok.safetensors'), Buffer.alloc(MiB, 4)); // captured as a model
    write(join(ui, 'output/big.bin'), Buffer.alloc(MiB, 5)); // an output, synced
    const report = await snapshotOf(ui, 'comfyui');
    expect(report.models.map((m) => m.path)).toEqual(['models/checkpoints/ok.safetensors']);
    expect(report.warnings).toEqual([
      'model files outside the model folders are not captured: custom_nodes/nodes/models/detector.pth, stray.safetensors (the UI or an extension that downloaded them may do so again on first use; to keep them, move them into a model folder of comfyui, e.g. models/checkpoints/)',
    ]);
  });

  it('leaves out the weights A1111 downloads by itself, not those a user put elsewhere', async () => {
    const ui = join(root, 'stable-diffusion-webui');
    const remote = makeRemote(root, 'a1111');
    remote.commit({ 'launch.py': 'print(1)\n', '.gitignore': '/models/Codeformer\n/repositories\n' });
    clone(remote, ui);
    write(join(ui, 'models/Codeformer/codeformer-v0.1.0.pth'), Buffer.alloc(1024 * 1024, 1));
    write(join(ui, 'repositories/BLIP/weights.pth'), Buffer.alloc(1024 * 1024, 2));
    write(join(ui, 'models/mine/custom.safetensors'), Buffer.alloc(1024 * 1024, 3));
    const report = await snapshotOf(ui, 'a1111');
    expect(report.warnings).toEqual([
      'the UI has local changes: models/mine/custom.safetensors',
      expect.stringMatching(
        /^model files outside the model folders are not captured: models\/mine\/custom\.safetensors \(/,
      ),
    ]);
  });
});
