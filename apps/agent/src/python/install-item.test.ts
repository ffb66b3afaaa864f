import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../provision/test-support/git-repos.js';
import { type InstallContext, installTarget, type PythonTarget } from './install-item.js';
import { InstallMarkers } from './markers.js';
import { ensureOverlay } from './overlay.js';
import { pythonPaths } from './settings.js';

describe('installTarget: install scripts (A1111 and Forge extensions)', () => {
  const tmp = tempDir('podpilot-install-item-');
  const uiDir = join(tmp.dir, 'ws', 'stable-diffusion-webui');
  let ctx: InstallContext;

  beforeAll(async () => {
    const paths = pythonPaths(join(tmp.dir, 'ws'));
    await ensureOverlay('python3', paths);
    mkdirSync(uiDir, { recursive: true });
    // What A1111's installers import from the UI folder (its `launch` module, here a stand-in).
    writeFileSync(join(uiDir, 'ui_module.py'), 'VALUE = "from the UI folder"\n');
    ctx = {
      python: paths.python,
      env: { PATH: process.env.PATH ?? '' },
      pipOptions: [],
      constraints: '',
      markers: new InstallMarkers(paths.markers),
      uiDir,
    };
  }, 60_000);
  afterAll(() => tmp.cleanup());

  const extension = (name: string, script: string): PythonTarget => {
    const dir = join(uiDir, 'extensions', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'install.py'), script);
    return {
      kind: 'extension',
      name,
      dir,
      commit: 'c'.repeat(40),
      requirementsFile: 'requirements.txt',
      installScript: 'install.py',
    };
  };

  it('runs install.py with the UI folder importable, once for the same inputs', async () => {
    const target = extension(
      'sd-ok',
      'import os, ui_module\nopen(os.path.join(os.path.dirname(__file__), "ran.txt"), "a").write(ui_module.VALUE + "\\n")\n',
    );
    expect(await installTarget(target, ctx)).toEqual({
      kind: 'extension',
      name: 'sd-ok',
      status: 'installed',
    });
    expect(await installTarget(target, ctx)).toEqual({
      kind: 'extension',
      name: 'sd-ok',
      status: 'unchanged',
    });
    expect(readFileSync(join(target.dir, 'ran.txt'), 'utf8')).toBe('from the UI folder\n');
  });

  it("reports a failing install.py with the script's own last words", async () => {
    const target = extension(
      'sd-bad',
      'import sys\nprint("checking")\nsys.exit("this extension needs CUDA 13")\n',
    );
    expect(await installTarget(target, ctx)).toEqual({
      kind: 'extension',
      name: 'sd-bad',
      status: 'failed',
      detail: 'install.py: this extension needs CUDA 13',
    });
  });

  it('does nothing for an item that declares no packages', async () => {
    const dir = join(uiDir, 'extensions', 'sd-plain');
    mkdirSync(dir, { recursive: true });
    const target: PythonTarget = {
      kind: 'extension',
      name: 'sd-plain',
      dir,
      commit: 'c'.repeat(40),
      requirementsFile: 'requirements.txt',
      installScript: 'install.py',
    };
    expect(await installTarget(target, ctx)).toEqual({
      kind: 'extension',
      name: 'sd-plain',
      status: 'nothing',
    });
  });
});
