import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCheckout } from '../snapshot/checkouts.js';
import { runGit } from './git.js';
import { CheckoutConflictError, ensureCheckout } from './git-checkout.js';
import { programKeys, programsInGitConfig } from './git-guard.js';
import { git, makeRemote, type TestRemote, tempDir } from './test-support/git-repos.js';

let root: string;
let cleanup: () => void;
let remote: TestRemote;
let commit: string;
let dir: string;
let marker: string;
/** A program that appends its arguments to `marker`: it must never run. */
let evil: string;

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir('podpilot-git-guard-'));
  remote = makeRemote(root, 'ui');
  commit = remote.commit({ 'main.py': 'print(1)\n', 'a.txt': 'a\n' });
  dir = join(root, 'workspace', 'UI');
  marker = join(root, 'marker');
  evil = join(root, 'evil.sh');
  writeFileSync(evil, `#!/bin/sh\necho "$0 $*" >> '${marker}'\ncat\n`);
  chmodSync(evil, 0o755);
});
afterEach(() => cleanup());

const ran = () => (existsSync(marker) ? readFileSync(marker, 'utf8') : '');

/** Plants `settings` in the checkout's own config, as a process inside the instance could. */
function plant(at: string, settings: Record<string, string>): void {
  for (const [key, value] of Object.entries(settings)) git(at, 'config', key, value);
}

describe('programKeys', () => {
  it('lists what runs a program and nothing the agent overrides or sets itself', () => {
    const listing = [
      ['local', 'core.fsmonitor\n/x'],
      ['local', 'core.hookspath\n.husky'],
      ['local', 'credential.helper\nstore'],
      ['local', 'filter.X.clean\n/x'],
      ['local', 'filter.lfs.process\ngit-lfs filter-process'],
      ['local', 'diff.z.textconv\n/x'],
      ['local', 'remote.origin.uploadpack\n/x'],
      ['local', 'submodule.s.update\ncheckout'],
      ['local', 'submodule.t.update\n!/x'],
      ['local', 'lfs.customtransfer.t.path\n/x'],
      ['local', 'core.worktree\n/etc'],
      ['local', 'filter.y.smudge'],
      ['command', 'filter.mine.clean\n/x'],
    ]
      .map(([scope, entry]) => `${scope}\0${entry}\0`)
      .join('');
    expect(programKeys(listing)).toEqual([
      'filter.X.clean',
      'diff.z.textconv',
      'remote.origin.uploadpack',
      'submodule.t.update',
      'lfs.customtransfer.t.path',
      'core.worktree',
      'filter.y.smudge',
    ]);
  });
});

describe('git in a checkout whose config a process inside the instance wrote', () => {
  it('runs no fsmonitor or hook of its config on status, provisioning or a snapshot read', async () => {
    await ensureCheckout({ dir, url: remote.url, commit });
    plant(dir, {
      'core.fsmonitor': evil,
      'core.pager': evil,
      'core.editor': evil,
      'core.askPass': evil,
      'core.sshCommand': evil,
      'credential.helper': `!${evil}`,
      'core.hooksPath': root,
    });
    writeFileSync(join(root, 'post-checkout'), `#!/bin/sh\n'${evil}' hook\n`);
    chmodSync(join(root, 'post-checkout'), 0o755);
    writeFileSync(join(dir, 'a.txt'), 'changed\n');
    const status = await runGit(['status', '--porcelain'], { cwd: dir });
    expect(status.stdout).toBe(' M a.txt\n');
    expect(await programsInGitConfig(dir, undefined)).toEqual([]);
    // Provisioning again: a dirty checkout is refused after `git status`; clean, it is left alone.
    await expect(ensureCheckout({ dir, url: remote.url, commit })).rejects.toThrow(/local changes/);
    writeFileSync(join(dir, 'a.txt'), 'a\n');
    await expect(ensureCheckout({ dir, url: remote.url, commit })).resolves.toMatchObject({ commit });
    const read = await readCheckout(dir, '', () => false, [], undefined);
    expect(read?.commit).toBe(commit);
    expect(ran()).toBe('');
  });

  it('refuses, before any other git call, a checkout whose config names a filter driver', async () => {
    await ensureCheckout({ dir, url: remote.url, commit });
    plant(dir, { 'filter.x.clean': evil, 'filter.x.smudge': evil });
    writeFileSync(join(dir, '.git', 'info', 'attributes'), '* filter=x\n');
    writeFileSync(join(dir, 'a.txt'), 'changed\n');

    const error = await ensureCheckout({ dir, url: remote.url, commit }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckoutConflictError);
    expect(error).toMatchObject({ reason: 'unsafe-config' });
    expect((error as Error).message).toContain(
      'its git config names programs git would run (filter.x.clean, filter.x.smudge)',
    );

    const warnings: string[] = [];
    const read = await readCheckout(dir, 'custom_nodes/x', () => false, warnings, undefined);
    expect(read).toEqual({ path: 'custom_nodes/x', remote: null, commit: null, dirtyFiles: [] });
    expect(warnings).toEqual([
      'custom_nodes/x: its git config names programs git would run (filter.x.clean, filter.x.smudge): not read, it cannot be reproduced',
    ]);
    expect(ran()).toBe('');
  });

  it("finds such settings in a submodule's git dir and in included files too", async () => {
    await ensureCheckout({ dir, url: remote.url, commit });
    const sub = join(dir, '.git', 'modules', 'nested', 'name');
    mkdirSync(sub, { recursive: true });
    git(sub, 'init', '-q', '--bare');
    plant(sub, { 'core.worktree': '../../../../nested/name', 'remote.origin.uploadpack': evil });
    writeFileSync(join(root, 'included'), `[diff "d"]\n\ttextconv = ${evil}\n`);
    plant(dir, { 'include.path': join(root, 'included') });
    expect(await programsInGitConfig(dir, undefined)).toEqual([
      'diff.d.textconv',
      'modules/nested/name: remote.origin.uploadpack',
    ]);
  });
});
