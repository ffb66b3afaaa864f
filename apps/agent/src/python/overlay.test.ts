import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../provision/test-support/git-repos.js';
import { ensureOverlay } from './overlay.js';
import { pythonPaths } from './settings.js';

describe('ensureOverlay (real python3)', () => {
  const tmp = tempDir('podpilot-overlay-');
  afterAll(() => tmp.cleanup());

  it('makes the venv over its base once, with pip, and anew (markers gone) over another base', {
    timeout: 60_000,
  }, async () => {
    const paths = pythonPaths(join(tmp.dir, 'ws'));
    expect(await ensureOverlay('python3', paths)).toBe(true);
    const run = (...args: string[]) => execFileSync(paths.python, args, { encoding: 'utf8' }).trim();
    // Over the base: its site-packages are visible, but the prefix (where pip installs) is the overlay.
    expect(run('-c', 'import sys; print(sys.prefix)')).toBe(paths.venv);
    expect(run('-c', 'import sys; print(sys.prefix != sys.base_prefix)')).toBe('True');
    expect(execFileSync(join(paths.bin, 'pip'), ['--version'], { encoding: 'utf8' })).toMatch(/^pip /);
    mkdirSync(paths.markers, { recursive: true });
    writeFileSync(join(paths.markers, 'extension-x.json'), '{}');
    expect(await ensureOverlay('python3', paths)).toBe(false);
    expect(existsSync(join(paths.markers, 'extension-x.json'))).toBe(true);

    const sameButNamedOtherwise = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
      encoding: 'utf8',
    }).trim();
    expect(await ensureOverlay(sameButNamedOtherwise, paths)).toBe(true);
    expect(existsSync(join(paths.markers, 'extension-x.json'))).toBe(false);
  });

  it('names the interpreter when it cannot be run', async () => {
    const paths = pythonPaths(join(tmp.dir, 'ws-none'));
    await expect(ensureOverlay('/no/such/python', paths)).rejects.toThrow(
      /cannot run \/no\/such\/python \(set PODPILOT_PYTHON/,
    );
  });
});
