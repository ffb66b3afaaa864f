import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Profile, validateProfile } from '@podpilot/common';
import { afterAll, describe, expect, it } from 'vitest';
import { git, tempDir } from '../provision/test-support/git-repos.js';
import type { PythonOutcome } from './install-item.js';
import { overlayPackagePins } from './overlay-pins.js';
import { listPackages } from './packages.js';
import { type CheckedOut, installPythonDeps } from './python-deps.js';
import { pythonPaths } from './settings.js';
import { writeWheel } from './test-support/wheels.js';

const COMMIT = 'a'.repeat(40);

function profile(python: Record<string, unknown>): Profile {
  const result = validateProfile({ name: 'deps', ui: { kind: 'comfyui', ref: COMMIT }, python });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.profile;
}

/** A UI folder and two custom nodes: one needing a wheel from `wheels`, one needing a package nobody has. */
function layout(root: string): CheckedOut[] {
  const ui = join(root, 'ws', 'ComfyUI');
  const good = join(ui, 'custom_nodes', 'good-node');
  const bad = join(ui, 'custom_nodes', 'bad-node');
  for (const dir of [good, bad]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(good, 'requirements.txt'), 'pp-good-dep==1.0.0\n');
  writeFileSync(join(bad, 'requirements.txt'), 'pp-missing-dep>=9\n');
  return [
    { kind: 'ui', name: 'comfyui', dir: ui, commit: COMMIT },
    { kind: 'extension', name: 'good-node', dir: good, commit: COMMIT },
    { kind: 'extension', name: 'bad-node', dir: bad, commit: COMMIT },
  ];
}

describe('installPythonDeps (real python3 and pip, offline)', () => {
  const tmp = tempDir('podpilot-python-');
  afterAll(() => tmp.cleanup());
  // Offline and independent of this machine's pip configuration: only the profile's wheel folder.
  const env = { ...process.env, PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: '1', PIP_FIND_LINKS: '' };

  it('installs what it can into the overlay, names pip reason for the rest, and reruns no pip', {
    timeout: 120_000,
  }, async () => {
    const wheels = join(tmp.dir, 'wheels');
    writeWheel(wheels, 'pp-good-dep', '1.0.0');
    const checkouts = layout(tmp.dir);
    const workspace = join(tmp.dir, 'ws');
    const run = async () => {
      const lines: string[] = [];
      const outcomes = await installPythonDeps({
        profile: profile({ findLinks: [wheels] }),
        workspace,
        settings: { baseInterpreter: 'python3', seedDir: join(tmp.dir, 'no-seed') },
        checkouts,
        env,
        onLine: (line) => lines.push(line),
      });
      return { outcomes, lines };
    };
    const first = await run();
    expect(first.outcomes).toEqual<PythonOutcome[]>([
      { kind: 'ui', name: 'comfyui', status: 'nothing' },
      { kind: 'extension', name: 'good-node', status: 'installed' },
      {
        kind: 'extension',
        name: 'bad-node',
        status: 'failed',
        detail: expect.stringMatching(/No matching distribution found for pp-missing-dep>=9/),
      },
    ]);
    const paths = pythonPaths(workspace);
    expect((await listPackages(paths.python, 'own')).get('pp-good-dep')).toBe('1.0.0');
    // Only in the overlay: the base interpreter does not see it.
    expect((await listPackages('python3', 'all')).has('pp-good-dep')).toBe(false);

    const second = await run();
    expect(second.outcomes.map((o) => o.status)).toEqual(['nothing', 'unchanged', 'failed']);
    // The failed node is tried again (a network error must not stick); the installed one runs no pip.
    expect(second.lines.join('\n')).not.toContain('pp-good-dep');
  });

  it("installs the UI's own requirements only when its commit is not the one the image shipped", {
    timeout: 120_000,
  }, async () => {
    const wheels = join(tmp.dir, 'ui-wheels');
    writeWheel(wheels, 'pp-ui-dep', '2.0.0');
    const seed = join(tmp.dir, 'seed', 'ComfyUI');
    mkdirSync(seed, { recursive: true });
    git(seed, 'init', '-q');
    git(seed, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-q', '--allow-empty', '-m', 'image');
    const shipped = git(seed, 'rev-parse', 'HEAD');
    const uiDir = join(tmp.dir, 'ws-ui', 'ComfyUI');
    mkdirSync(uiDir, { recursive: true });
    writeFileSync(join(uiDir, 'requirements.txt'), 'pp-ui-dep==2.0.0\n');
    const run = (commit: string) =>
      installPythonDeps({
        profile: profile({ findLinks: [wheels] }),
        workspace: join(tmp.dir, 'ws-ui'),
        settings: { baseInterpreter: 'python3', seedDir: join(tmp.dir, 'seed') },
        checkouts: [{ kind: 'ui', name: 'comfyui', dir: uiDir, commit }],
        env,
      });
    expect(await run(shipped)).toEqual([
      { kind: 'ui', name: 'comfyui', status: 'unchanged', detail: 'installed by the image at this commit' },
    ]);
    expect(await run('b'.repeat(40))).toEqual([{ kind: 'ui', name: 'comfyui', status: 'installed' }]);
    const own = await listPackages(pythonPaths(join(tmp.dir, 'ws-ui')).python, 'own');
    expect(own.get('pp-ui-dep')).toBe('2.0.0');
  });

  it("lists what the overlay adds as pins, and installs a profile's pins exactly", {
    timeout: 120_000,
  }, async () => {
    const wheels = join(tmp.dir, 'pin-wheels');
    writeWheel(wheels, 'pp-pinned', '1.0.0');
    writeWheel(wheels, 'pp-pinned', '2.0.0');
    const settings = { baseInterpreter: 'python3', seedDir: join(tmp.dir, 'no-seed') };
    const workspace = join(tmp.dir, 'ws-pins');
    expect(await overlayPackagePins(workspace, settings)).toEqual([]); // no overlay yet
    const install = (packages: string[]) =>
      installPythonDeps({
        profile: profile({ findLinks: [wheels], packages }),
        workspace,
        settings,
        checkouts: [],
        env,
      });
    expect(await install(['pp-pinned==1.0.0'])).toEqual([
      { kind: 'packages', name: 'profile', status: 'installed' },
    ]);
    expect(await overlayPackagePins(workspace, settings)).toEqual(['pp-pinned==1.0.0']);
    expect(await install(['pp-pinned==1.0.0'])).toEqual([
      { kind: 'packages', name: 'profile', status: 'unchanged' },
    ]);
    await install(['pp-pinned==2.0.0']);
    expect(await overlayPackagePins(workspace, settings)).toEqual(['pp-pinned==2.0.0']);
  });
});
