import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// Test helpers: real git repositories in a temp folder, served over file:// URLs.

const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};
for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete ENV[key];

/** Runs git synchronously and returns its trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], {
    cwd,
    env: ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** A bare repository and a work repository that pushes to it. */
export interface TestRemote {
  /** `file://` URL of the bare repository. */
  url: string;
  bare: string;
  /** Commits these files (path → content) on `main`, pushes, returns the commit. */
  commit(files: Record<string, string>, message?: string): string;
  /** Tags the last commit (annotated unless `lightweight`) and pushes the tag. */
  tag(name: string, lightweight?: boolean): void;
}

/** A temp folder removed by `cleanup()`. */
export function tempDir(prefix = 'podpilot-provision-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Creates `<root>/<name>.git` (bare, serving any reachable commit) and its work repository. */
export function makeRemote(root: string, name: string): TestRemote {
  const bare = join(root, 'remotes', `${name}.git`);
  const work = join(root, 'work', name);
  mkdirSync(bare, { recursive: true });
  mkdirSync(work, { recursive: true });
  git(bare, 'init', '-q', '--bare');
  git(bare, 'config', 'uploadpack.allowReachableSHA1InWant', 'true');
  git(work, 'init', '-q');
  let count = 0;
  return {
    url: `file://${bare}`,
    bare,
    commit(files, message) {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), content);
      }
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '-m', message ?? `commit ${++count}`);
      git(work, 'push', '-q', bare, 'HEAD:refs/heads/main');
      return git(work, 'rev-parse', 'HEAD');
    },
    tag(tagName, lightweight = false) {
      if (lightweight) git(work, 'tag', tagName);
      else git(work, 'tag', '-a', tagName, '-m', tagName);
      git(work, 'push', '-q', bare, `refs/tags/${tagName}`);
    },
  };
}
