import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitCommandError, redactText, redactUrl } from './git.js';
import { CheckoutConflictError, ensureCheckout } from './git-checkout.js';
import { git, makeRemote, type TestRemote, tempDir } from './test-support/git-repos.js';

let root: string;
let cleanup: () => void;
let remote: TestRemote;
let c1: string;
let c2: string;
let dir: string;

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
  remote = makeRemote(root, 'ui');
  c1 = remote.commit({ 'main.py': 'print(1)\n', 'lib/a.txt': 'a1\n' });
  c2 = remote.commit({ 'main.py': 'print(2)\n', 'lib/b.txt': 'b2\n' });
  dir = join(root, 'workspace', 'UI');
});
afterEach(() => cleanup());

const head = (at: string) => git(at, 'rev-parse', 'HEAD');

async function conflict(promise: Promise<unknown>): Promise<CheckoutConflictError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CheckoutConflictError);
  return error as CheckoutConflictError;
}

describe('ensureCheckout', () => {
  it('clones exactly the pinned commit with one commit of history', async () => {
    const result = await ensureCheckout({ dir, url: remote.url, commit: c1 });
    expect(result).toMatchObject({ status: 'cloned', commit: c1 });
    expect(result.fetchedObjects).toBeGreaterThan(0);
    expect(head(dir)).toBe(c1);
    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');
    expect(readFileSync(join(dir, 'main.py'), 'utf8')).toBe('print(1)\n');
    expect(existsSync(join(dir, 'lib/b.txt'))).toBe(false);
    expect(existsSync(join(dir, '.git', 'podpilot-checkout'))).toBe(false);
  });

  it('leaves a clean checkout at the commit alone, with no network, keeping untracked files', async () => {
    await ensureCheckout({ dir, url: remote.url, commit: c1 });
    mkdirSync(join(dir, 'models/checkpoints'), { recursive: true });
    writeFileSync(join(dir, 'models/checkpoints/x.safetensors'), 'weights');
    // No remote any more: any fetch would fail.
    renameSync(remote.bare, `${remote.bare}.gone`);
    const started = performance.now();
    const result = await ensureCheckout({ dir, url: remote.url, commit: c1 });
    const elapsed = performance.now() - started;
    expect(result).toEqual({ status: 'unchanged', commit: c1 });
    expect(elapsed).toBeLessThan(1000); // typically ~20 ms: a few local git calls
    expect(readFileSync(join(dir, 'models/checkpoints/x.safetensors'), 'utf8')).toBe('weights');
  });

  it('moves a clean checkout to another commit, shallowly, keeping untracked files', async () => {
    await ensureCheckout({ dir, url: `${remote.url}/`, commit: c1 });
    writeFileSync(join(dir, 'output.png'), 'png');
    const result = await ensureCheckout({ dir, url: remote.url, commit: c2 });
    expect(result).toMatchObject({ status: 'updated', commit: c2 });
    expect(head(dir)).toBe(c2);
    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');
    expect(readFileSync(join(dir, 'main.py'), 'utf8')).toBe('print(2)\n');
    expect(readFileSync(join(dir, 'output.png'), 'utf8')).toBe('png');
    // And back again.
    expect(await ensureCheckout({ dir, url: remote.url, commit: c1 })).toMatchObject({ status: 'updated' });
    expect(existsSync(join(dir, 'lib/b.txt'))).toBe(false);
  });

  it('initialises submodules recursively, and a second run needs no remote', async () => {
    const inner = makeRemote(root, 'inner');
    inner.commit({ 'deep.txt': 'deep\n' });
    const sub = makeRemote(root, 'sub');
    sub.commit({ 'sub.txt': 'sub\n' });
    const allowFile = ['-c', 'protocol.file.allow=always'];
    const subWork = join(root, 'work', 'sub');
    git(subWork, ...allowFile, 'submodule', 'add', '-q', inner.url, 'inner');
    git(subWork, 'commit', '-q', '-m', 'add inner');
    git(subWork, 'push', '-q', sub.bare, 'HEAD:refs/heads/main');
    const uiWork = join(root, 'work', 'ui');
    git(uiWork, ...allowFile, 'submodule', 'add', '-q', sub.url, 'sd-scripts');
    git(uiWork, 'commit', '-q', '-m', 'add sd-scripts');
    git(uiWork, 'push', '-q', remote.bare, 'HEAD:refs/heads/main');
    const c3 = git(uiWork, 'rev-parse', 'HEAD');

    expect(await ensureCheckout({ dir, url: remote.url, commit: c3 })).toMatchObject({ status: 'cloned' });
    expect(readFileSync(join(dir, 'sd-scripts', 'sub.txt'), 'utf8')).toBe('sub\n');
    expect(readFileSync(join(dir, 'sd-scripts', 'inner', 'deep.txt'), 'utf8')).toBe('deep\n');
    for (const gone of [remote, sub, inner]) renameSync(gone.bare, `${gone.bare}.gone`);
    expect(await ensureCheckout({ dir, url: remote.url, commit: c3 })).toEqual({
      status: 'unchanged',
      commit: c3,
    });
  });

  it('refuses a checkout with local edits to tracked files and leaves it untouched', async () => {
    await ensureCheckout({ dir, url: remote.url, commit: c1 });
    writeFileSync(join(dir, 'main.py'), 'print("mine")\n');
    const error = await conflict(ensureCheckout({ dir, url: remote.url, commit: c2 }));
    expect(error.reason).toBe('dirty');
    expect(error.files).toEqual(['main.py']);
    expect(error.message).toContain(dir);
    expect(error.message).toContain('main.py');
    expect(error.message).toContain(c1.slice(0, 12));
    expect(head(dir)).toBe(c1);
    expect(readFileSync(join(dir, 'main.py'), 'utf8')).toBe('print("mine")\n');
    // Also at the pinned commit: the checkout is not what the profile says.
    expect((await conflict(ensureCheckout({ dir, url: remote.url, commit: c1 }))).reason).toBe('dirty');
  });

  it('refuses an update when untracked files are in the way, and leaves them', async () => {
    await ensureCheckout({ dir, url: remote.url, commit: c1 });
    writeFileSync(join(dir, 'lib/b.txt'), 'mine');
    const error = await conflict(ensureCheckout({ dir, url: remote.url, commit: c2 }));
    expect(error.reason).toBe('in-the-way');
    expect(error.files).toEqual(['lib/b.txt']);
    expect(error.message).toContain('lib/b.txt');
    expect(head(dir)).toBe(c1);
    expect(readFileSync(join(dir, 'lib/b.txt'), 'utf8')).toBe('mine');
    // A second try is refused the same way (it does not force its way through).
    expect((await conflict(ensureCheckout({ dir, url: remote.url, commit: c2 }))).reason).toBe('in-the-way');
    expect(readFileSync(join(dir, 'lib/b.txt'), 'utf8')).toBe('mine');
    // Once moved away, the update goes through.
    renameSync(join(dir, 'lib/b.txt'), join(root, 'b.txt'));
    expect(await ensureCheckout({ dir, url: remote.url, commit: c2 })).toMatchObject({ status: 'updated' });
  });

  it('refuses a checkout of another remote', async () => {
    const other = makeRemote(root, 'other');
    const otherCommit = other.commit({ 'x.txt': 'x' });
    await ensureCheckout({ dir, url: other.url, commit: otherCommit });
    const error = await conflict(ensureCheckout({ dir, url: remote.url, commit: c1 }));
    expect(error.reason).toBe('wrong-remote');
    expect(error.message).toContain(other.url);
    expect(error.message).toContain(remote.url);
    expect(head(dir)).toBe(otherCommit);
  });

  it('refuses a folder that is not a checkout, or a file', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    const error = await conflict(ensureCheckout({ dir, url: remote.url, commit: c1 }));
    expect(error.reason).toBe('not-a-checkout');
    expect(error.message).toContain('notes.txt');
    expect(existsSync(join(dir, '.git'))).toBe(false);
    const file = join(root, 'afile');
    writeFileSync(file, 'x');
    expect((await conflict(ensureCheckout({ dir: file, url: remote.url, commit: c1 }))).reason).toBe(
      'not-a-checkout',
    );
  });

  it('does not mistake a folder inside another checkout for a checkout', async () => {
    await ensureCheckout({ dir, url: remote.url, commit: c1 });
    const ext = makeRemote(root, 'ext');
    const extCommit = ext.commit({ 'node.py': 'x' });
    const inner = join(dir, 'custom_nodes', 'ext');
    expect(await ensureCheckout({ dir: inner, url: ext.url, commit: extCommit })).toMatchObject({
      status: 'cloned',
    });
    expect(head(inner)).toBe(extCommit);
    expect(head(dir)).toBe(c1);
  });

  it('finishes a first clone killed after `git remote add`, before the fetch', async () => {
    mkdirSync(dir, { recursive: true });
    git(dir, 'init', '-q');
    git(dir, 'remote', 'add', 'origin', remote.url);
    expect(await ensureCheckout({ dir, url: remote.url, commit: c1 })).toMatchObject({ status: 'cloned' });
    expect(head(dir)).toBe(c1);
  });

  it('repairs an update killed mid-checkout (marker, stale lock, half-written files)', async () => {
    await ensureCheckout({ dir, url: remote.url, commit: c1 });
    writeFileSync(join(dir, '.git', 'podpilot-checkout'), `${c2}\n`);
    writeFileSync(join(dir, '.git', 'index.lock'), '');
    writeFileSync(join(dir, 'main.py'), 'print(2'); // half written
    writeFileSync(join(dir, 'lib/b.txt'), 'b'); // new file, not yet in the index
    expect(await ensureCheckout({ dir, url: remote.url, commit: c2 })).toMatchObject({ status: 'updated' });
    expect(head(dir)).toBe(c2);
    expect(readFileSync(join(dir, 'main.py'), 'utf8')).toBe('print(2)\n');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('is repaired by the next run wherever an aborted run stopped', async () => {
    // How long a whole clone and update take here, to abort at fractions of that.
    let started = performance.now();
    await ensureCheckout({ dir: `${dir}-timing`, url: remote.url, commit: c1 });
    const cloneMs = performance.now() - started;
    started = performance.now();
    await ensureCheckout({ dir: `${dir}-timing`, url: remote.url, commit: c2 });
    const updateMs = performance.now() - started;
    let leftMarker = 0;
    for (const [i, fraction] of [0.1, 0.3, 0.5, 0.7, 0.9].entries()) {
      const target = `${dir}-${i}`;
      await ensureCheckout({ dir: target, url: remote.url, commit: c1 });
      const signal = AbortSignal.timeout(Math.round(updateMs * fraction));
      await ensureCheckout({ dir: target, url: remote.url, commit: c2, signal }).catch(() => undefined);
      if (existsSync(join(target, '.git', 'podpilot-checkout'))) leftMarker++;
      const result = await ensureCheckout({ dir: target, url: remote.url, commit: c2 });
      expect(['updated', 'unchanged']).toContain(result.status);
      expect(head(target)).toBe(c2);
      expect(git(target, 'status', '--porcelain')).toBe('');
      // A first clone aborted anywhere.
      const fresh = `${dir}-fresh-${i}`;
      const freshSignal = AbortSignal.timeout(Math.round(cloneMs * fraction));
      await ensureCheckout({ dir: fresh, url: remote.url, commit: c1, signal: freshSignal }).catch(
        () => undefined,
      );
      if (existsSync(join(fresh, '.git', 'podpilot-checkout'))) leftMarker++;
      expect((await ensureCheckout({ dir: fresh, url: remote.url, commit: c1 })).commit).toBe(c1);
      expect(head(fresh)).toBe(c1);
      expect(git(fresh, 'rev-list', '--count', 'HEAD')).toBe('1');
    }
    // Timing varies, but some runs must have been cut in the middle of their work.
    expect(leftMarker).toBeGreaterThan(0);
  }, 120_000);

  it('reports a failed fetch with the command and URL, and recovers on the next run', async () => {
    const missing = 'f'.repeat(40);
    const error = await ensureCheckout({ dir, url: remote.url, commit: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as Error).message).toContain('git fetch');
    expect((error as Error).message).toContain(remote.url);
    expect((error as GitCommandError).stderr).not.toBe('');
    expect(await ensureCheckout({ dir, url: remote.url, commit: c1 })).toMatchObject({ status: 'cloned' });
  });

  it('runs calls on one folder one after the other', async () => {
    const results = await Promise.all([
      ensureCheckout({ dir, url: remote.url, commit: c1 }),
      ensureCheckout({ dir, url: remote.url, commit: c1 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['cloned', 'unchanged']);
  });

  it('refuses option-like or malformed input before running git', async () => {
    await expect(ensureCheckout({ dir, url: '--upload-pack=touch /tmp/x', commit: c1 })).rejects.toThrow(
      /does not start with "-"/,
    );
    await expect(ensureCheckout({ dir, url: 'ext::sh -c touch% /tmp/pwned', commit: c1 })).rejects.toThrow(
      /has no spaces/,
    );
    await expect(ensureCheckout({ dir, url: 'ext::sh', commit: c1 })).rejects.toThrow(/expected a git URL/);
    await expect(ensureCheckout({ dir, url: remote.url, commit: '-c1' })).rejects.toThrow(/40-hex commit/);
    await expect(ensureCheckout({ dir, url: remote.url, commit: 'main' })).rejects.toThrow(/40-hex commit/);
    expect(existsSync(dir)).toBe(false);
  });

  it('never shows credentials in messages', async () => {
    expect(redactUrl('https://user:s3cret@example.com/a/b.git')).toBe('https://example.com/a/b.git');
    expect(redactUrl('git@github.com:a/b.git')).toBe('git@github.com:a/b.git');
    expect(redactText("fatal: unable to access 'https://tok@host/x/': nope")).toBe(
      "fatal: unable to access 'https://host/x/': nope",
    );
    const url = 'https://user:s3cret@127.0.0.1:1/x.git';
    const error = await ensureCheckout({ dir, url, commit: c1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as Error).message).toContain('https://127.0.0.1:1/x.git');
    expect((error as Error).message).not.toContain('s3cret');
  });
});
