import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { SnapshotReport } from '@podpilot/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRemote, tempDir } from '../provision/test-support/git-repos.js';
import { ensureOverlay } from '../python/overlay.js';
import { pythonPaths } from '../python/settings.js';
import { writeWheel } from '../python/test-support/wheels.js';
import { collectSnapshot } from './collect.js';
import { COMMAND, clone } from './test-support/snapshot-fixture.js';

// pip sees only the test's wheel folder: no index, not this machine's pip configuration.
const OFFLINE_PIP = {
  ...process.env,
  PIP_CONFIG_FILE: '/dev/null',
  PIP_NO_INDEX: '1',
  PIP_DISABLE_PIP_VERSION_CHECK: '1',
};

describe('collectSnapshot: Python packages of the overlay venv (real python3, offline pip)', () => {
  const tmp = tempDir('podpilot-snapshot-python-');
  const workspace = join(tmp.dir, 'ws');
  const uiDir = join(workspace, 'ComfyUI');
  const paths = pythonPaths(workspace);
  const snapshot = (baseInterpreter = 'python3') =>
    collectSnapshot({
      uiDir,
      uiKind: 'comfyui',
      cacheDir: join(tmp.dir, 'no-cache'),
      profileFiles: [],
      commandId: COMMAND,
      python: { baseInterpreter, seedDir: join(tmp.dir, 'no-seed') },
    });

  beforeAll(async () => {
    const ui = makeRemote(tmp.dir, 'ui');
    ui.commit({ 'main.py': 'print(1)\n' });
    clone(ui, uiDir);
    await ensureOverlay('python3', paths);
    const wheels = join(tmp.dir, 'wheels');
    writeWheel(wheels, 'pp-snap-dep', '1.2.0');
    // As a user does it in the UI's terminal.
    execFileSync(join(paths.bin, 'pip'), ['install', '--no-index', '--find-links', wheels, 'pp-snap-dep'], {
      env: OFFLINE_PIP,
      stdio: 'pipe',
    });
  }, 120_000);
  afterAll(() => tmp.cleanup());

  it('lists what was installed into the overlay beyond the base, pinned', { timeout: 60_000 }, async () => {
    const report = await snapshot();
    expect(() => SnapshotReport.parse(report)).not.toThrow();
    expect(report.python).toEqual({ packages: ['pp-snap-dep==1.2.0'] });
    expect(report.warnings).toEqual([]);
  });

  it('a listing that fails is a warning and no python section, not a failed snapshot', {
    timeout: 60_000,
  }, async () => {
    const report = await snapshot('/no/such/python');
    expect(report.python).toBeUndefined();
    expect(report.warnings).toEqual([
      expect.stringMatching(/^Python packages are not captured: python: cannot run \/no\/such\/python/),
    ]);
    expect(report.files).toEqual([]);
  });
});
