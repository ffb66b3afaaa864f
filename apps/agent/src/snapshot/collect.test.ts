import { linkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SnapshotReport, type UiKind } from '@podpilot/common';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { git, makeRemote, tempDir } from '../provision/test-support/git-repos.js';
import { collectSnapshot } from './collect.js';
import { COMMAND, clone, plainSnapshot, sha, write } from './test-support/snapshot-fixture.js';

describe('collectSnapshot', () => {
  let root: string;
  let cleanup: () => void;
  const snapshotOf = (ui: string, uiKind: UiKind) => plainSnapshot(root, ui, uiKind);
  beforeEach(() => {
    ({ dir: root, cleanup } = tempDir('podpilot-snapshot-'));
  });
  afterEach(() => cleanup());

  it('captures a ComfyUI folder: checkouts, models (cached or hashed), files and warnings', async () => {
    const ui = join(root, 'ComfyUI');
    const cacheDir = join(root, 'cache');

    const uiRemote = makeRemote(root, 'ui');
    const uiCommit = uiRemote.commit({
      'main.py': 'print(1)\n',
      'models/checkpoints/put_checkpoints_here': '',
    });
    clone(uiRemote, ui);
    write(join(ui, 'main.py'), 'print(2)\n'); // tracked change
    write(join(ui, 'notes.txt'), 'mine\n'); // untracked, outside the ignored folders
    write(join(ui, 'output/img.png'), 'png');
    write(join(ui, '.podpilot/agent.json'), '{}');

    const clean = makeRemote(root, 'clean');
    const cleanCommit = clean.commit({ '__init__.py': 'x = 1\n' });
    clone(clean, join(ui, 'custom_nodes/clean'));

    const dirty = makeRemote(root, 'dirty');
    const dirtyCommit = dirty.commit({ 'nodes.py': 'a\n', 'b.py': 'b\n' });
    clone(dirty, join(ui, 'custom_nodes/dirty'));
    write(join(ui, 'custom_nodes/dirty/nodes.py'), 'changed\n');
    write(join(ui, 'custom_nodes/dirty/settings.ini'), 'new\n');

    const local = join(ui, 'custom_nodes/local');
    mkdirSync(local, { recursive: true });
    git(local, 'init', '-q');
    write(join(local, 'x.py'), 'x\n');
    git(local, 'add', '-A');
    git(local, 'commit', '-q', '-m', 'local');
    const localCommit = git(local, 'rev-parse', 'HEAD');

    write(join(ui, 'custom_nodes/plain/__init__.py'), 'plain\n');
    write(join(ui, 'custom_nodes/example_node.py.example'), 'not a folder\n');

    // The cache file's name is not its content's hash: only the inode can give it away.
    const cachedHex = 'a'.repeat(64);
    write(join(cacheDir, 'sha256', cachedHex), 'cached model bytes');
    mkdirSync(join(ui, 'models/checkpoints'), { recursive: true });
    linkSync(join(cacheDir, 'sha256', cachedHex), join(ui, 'models/checkpoints/cached.safetensors'));
    write(join(ui, 'models/loras/sub/unknown.safetensors'), 'unknown model bytes');
    write(join(ui, 'models/loras/.hidden'), 'hidden');
    write(join(ui, 'models/loras/next.safetensors.part'), 'partial');

    const settings = '{"Comfy.Theme": "dark"}\n';
    write(join(ui, 'user/default/comfy.settings.json'), settings);
    write(join(ui, 'extra_model_paths.yaml'), 'base_path: /data\n');
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff]);
    write(join(ui, 'input/mask.png'), binary);
    const big = 'x'.repeat(256 * 1024 + 1);
    write(join(ui, 'big.txt'), big);

    const onProgress = vi.fn();
    const report = await collectSnapshot({
      uiDir: ui,
      uiKind: 'comfyui',
      cacheDir,
      profileFiles: ['extra_model_paths.yaml', 'input/mask.png', 'big.txt', 'missing.txt'],
      commandId: COMMAND,
      onProgress,
    });

    expect(() => SnapshotReport.parse(report)).not.toThrow();
    expect(Date.parse(report.takenAt)).toBeGreaterThan(Date.now() - 60_000);
    expect({ ...report, takenAt: 'now' }).toEqual({
      commandId: COMMAND,
      takenAt: 'now',
      ui: { path: '', remote: uiRemote.url, commit: uiCommit, dirtyFiles: ['main.py', 'notes.txt'] },
      extensions: [
        { path: 'custom_nodes/clean', remote: clean.url, commit: cleanCommit, dirtyFiles: [] },
        {
          path: 'custom_nodes/dirty',
          remote: dirty.url,
          commit: dirtyCommit,
          dirtyFiles: ['nodes.py', 'settings.ini'],
        },
        { path: 'custom_nodes/local', remote: null, commit: localCommit, dirtyFiles: [] },
        { path: 'custom_nodes/plain', remote: null, commit: null, dirtyFiles: [] },
      ],
      models: [
        { path: 'models/checkpoints/cached.safetensors', sha256: cachedHex, sizeBytes: 18 },
        { path: 'models/loras/sub/unknown.safetensors', sha256: sha('unknown model bytes'), sizeBytes: 19 },
      ],
      files: [
        { path: 'big.txt', sha256: sha(big), sizeBytes: big.length },
        {
          path: 'extra_model_paths.yaml',
          sha256: sha('base_path: /data\n'),
          sizeBytes: 17,
          content: 'base_path: /data\n',
        },
        { path: 'input/mask.png', sha256: sha(binary), sizeBytes: binary.length },
        {
          path: 'user/default/comfy.settings.json',
          sha256: sha(settings),
          sizeBytes: settings.length,
          content: settings,
        },
      ],
      // No overlay venv in this workspace: nothing installed beyond the base.
      python: { packages: [] },
      warnings: [
        'the UI has local changes: main.py, notes.txt',
        'extension custom_nodes/dirty has local changes: nodes.py, settings.ini',
        'extension custom_nodes/local has no remote: it cannot be reproduced',
        'custom_nodes/plain is not a git checkout: it cannot be reproduced',
        `file big.txt is larger than 256 KiB (${big.length} bytes): its content was not kept`,
        'file input/mask.png is not UTF-8 text: its content was not kept',
        'profile file missing.txt is missing: it was not captured',
      ],
    });

    // Only the unknown model was read: the cached one is known by its inode.
    const paths = new Set(onProgress.mock.calls.map((call) => call[2]));
    expect(paths).toEqual(new Set(['models/loras/sub/unknown.safetensors']));
    expect(onProgress).toHaveBeenLastCalledWith(19, 19, 'models/loras/sub/unknown.safetensors');
  });

  it('reports a UI folder that is no git checkout and refuses paths outside it', async () => {
    const ui = join(root, 'Fooocus');
    write(join(ui, 'config.txt'), 'x');
    const report = await collectSnapshot({
      uiDir: ui,
      uiKind: 'fooocus',
      cacheDir: join(root, 'no-cache'),
      profileFiles: ['config.txt', '../escape.txt', '/etc/passwd', '.git/config'],
      commandId: COMMAND,
    });
    expect(report.ui).toEqual({ path: '', remote: null, commit: null, dirtyFiles: [] });
    expect(report.extensions).toEqual([]);
    expect(report.models).toEqual([]);
    expect(report.files).toEqual([{ path: 'config.txt', sha256: sha('x'), sizeBytes: 1, content: 'x' }]);
    expect(report.warnings).toEqual([
      'file "../escape.txt" is not a path inside the UI folder: skipped',
      'file "/etc/passwd" is not a path inside the UI folder: skipped',
      'file ".git/config" skipped: expected no ".git" segment (git\'s own folder), got ".git"',
      'the UI folder is not a git checkout: it cannot be reproduced',
    ]);
  });

  it.each([
    ['a1111', 'stable-diffusion-webui', ['config.json', 'ui-config.json', 'styles.csv']],
    ['kohya', 'kohya_ss', ['config.toml']],
  ] as const)(
    'reads back the settings files %s writes itself, not counted as local changes',
    async (kind, folder, names) => {
      const remote = makeRemote(root, kind);
      remote.commit({ 'launch.py': 'print(1)\n' });
      const ui = join(root, folder);
      clone(remote, ui);
      for (const name of names) write(join(ui, name), `${name} of the user\n`);
      const report = await snapshotOf(ui, kind);
      expect(report.files.map((f) => [f.path, f.content])).toEqual(
        [...names].sort().map((name) => [name, `${name} of the user\n`]),
      );
      expect(report.ui.dirtyFiles).toEqual([]);
      expect(report.warnings).toEqual([]);
    },
  );

  it('hashes a model once: the next snapshot reads only new or changed files', async () => {
    const ui = join(root, 'ComfyUI');
    const memo = join(root, 'state', 'snapshot-hashes.json');
    write(join(ui, 'models/loras/a.safetensors'), 'model a');
    write(join(ui, 'models/loras/b.safetensors'), 'model b');
    const run = async () => {
      const hashed = new Set<string>();
      let total = -1;
      const report = await collectSnapshot({
        uiDir: ui,
        uiKind: 'comfyui',
        cacheDir: join(root, 'no-cache'),
        profileFiles: [],
        commandId: COMMAND,
        hashMemo: memo,
        onProgress: (_done, all, path) => {
          total = all;
          hashed.add(path);
        },
      });
      return { models: report.models.map((m) => [m.path, m.sha256]), hashed: [...hashed].sort(), total };
    };

    const first = await run();
    expect(first.hashed).toEqual(['models/loras/a.safetensors', 'models/loras/b.safetensors']);
    const second = await run();
    expect(second.hashed).toEqual([]);
    expect(second.models).toEqual(first.models);

    write(join(ui, 'models/loras/b.safetensors'), 'model b, retrained');
    const third = await run();
    expect(third.hashed).toEqual(['models/loras/b.safetensors']);
    expect(third.models).toEqual([
      ['models/loras/a.safetensors', sha('model a')],
      ['models/loras/b.safetensors', sha('model b, retrained')],
    ]);

    write(memo, '{"version": 1, "entries": '); // damaged: everything is hashed again, nothing fails
    expect((await run()).hashed).toHaveLength(2);
  });

  it("reads back ComfyUI's saved workflows, subfolders included, as files", async () => {
    const ui = join(root, 'ComfyUI');
    const remote = makeRemote(root, 'ui');
    remote.commit({ 'main.py': 'print(1)\n' });
    clone(remote, ui);
    write(join(ui, 'user/default/workflows/portrait.json'), '{"nodes": []}');
    write(join(ui, 'user/default/workflows/sdxl/upscale.json'), '{"nodes": [1]}');
    write(join(ui, 'user/default/workflows/.hidden.json'), '{}');
    write(join(ui, 'user/default/workflows/.git/config'), '[core]\n');
    write(join(ui, 'user/default/workflows/look\u200balike.json'), '{}');
    const report = await snapshotOf(ui, 'comfyui');
    expect(report.files.map((f) => [f.path, f.content])).toEqual([
      ['user/default/workflows/portrait.json', '{"nodes": []}'],
      ['user/default/workflows/sdxl/upscale.json', '{"nodes": [1]}'],
    ]);
    expect(report.ui.dirtyFiles).toEqual([]);
    expect(report.warnings).toEqual([
      'files with names a profile cannot hold were not captured: "user/default/workflows/look\\u200balike.json"',
    ]);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const ui = join(root, 'ComfyUI');
    write(join(ui, 'models/checkpoints/m.safetensors'), 'm');
    await expect(
      collectSnapshot({
        uiDir: ui,
        uiKind: 'comfyui',
        cacheDir: join(root, 'cache'),
        profileFiles: [],
        commandId: COMMAND,
        signal: controller.signal,
      }),
    ).rejects.toThrow('stop');
  });
});
