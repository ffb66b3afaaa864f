import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactUrl, runGit } from './git.js';
import { programsInGitConfig } from './git-guard.js';

/** Written into the git dir before any change and removed once HEAD is the pinned commit. */
export const MARKER = 'podpilot-checkout';

/** What a folder with a `.git` holds, read with a single git call when all is well. */
export interface RepoState {
  gitDir: string;
  /** `remote.origin.url`, or null when there is no origin. */
  origin: string | null;
  /** The HEAD commit, or null before the first checkout. */
  head: string | null;
  /** Tracked files that differ from HEAD (untracked files are the UI's own: models, outputs…). */
  dirty: string[];
  /** The commit an interrupted run was moving to, or null. */
  marker: string | null;
}

/** True when both name the same repository (credentials, a trailing `/` or `.git` aside). */
export function sameRemote(a: string, b: string): boolean {
  const norm = (url: string) =>
    redactUrl(url)
      .replace(/\/+$/, '')
      .replace(/\.git$/, '');
  return norm(a) === norm(b);
}

/** The last `url` of `[remote "origin"]` in a plain config file; null when not found that simply. */
function originFromConfig(text: string): string | null {
  let inOrigin = false;
  let url: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) inOrigin = /^\[remote\s+"origin"\]$/.test(line);
    else if (inOrigin) {
      const match = /^url\s*=\s*(.*)$/.exec(line);
      if (match?.[1] !== undefined) url = match[1].replace(/^"(.*)"$/, '$1');
    }
  }
  return url;
}

/** Parses `git status --porcelain=v2 --branch -z`: HEAD and the changed tracked paths. */
function parseStatus(stdout: string): { head: string | null; dirty: string[] } {
  const entries = stdout.split('\0');
  let head: string | null = null;
  const dirty: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] ?? '';
    const oid = /^# branch\.oid (\S+)$/.exec(entry);
    if (oid?.[1] !== undefined) head = oid[1] === '(initial)' ? null : oid[1];
    else if (entry.startsWith('1 ')) dirty.push(entry.split(' ').slice(8).join(' '));
    else if (entry.startsWith('u ')) dirty.push(entry.split(' ').slice(10).join(' '));
    else if (entry.startsWith('2 ')) {
      dirty.push(entry.split(' ').slice(9).join(' '));
      i++; // the original path of a rename
    }
  }
  return { head, dirty };
}

/**
 * Reads the repository in `dir` (which has a `.git`). One `git status` in the usual case: the
 * origin URL is read from the config file and confirmed with `git config` only when it differs
 * from `url` (or cannot be read simply), so a mismatch is always git's own answer.
 *
 * Before that, its git config (and its submodules') is read for settings that would make git run a
 * program (`git-guard.ts`): with any, no other git command runs there.
 *
 * @returns `{ broken }` with git's first line of complaint when git cannot read the repository;
 *   `{ programs }` naming the settings when its config would run a program.
 */
export async function readRepo(
  dir: string,
  url: string,
  signal: AbortSignal | undefined,
): Promise<RepoState | { broken: string } | { programs: string[] }> {
  const programs = await programsInGitConfig(dir, signal);
  if (programs.length > 0) return { programs };
  const status = await runGit(
    ['--no-optional-locks', 'status', '--porcelain=v2', '--branch', '--untracked-files=no', '-z'],
    { cwd: dir, signal, okCodes: [128] },
  );
  if (status.code !== 0) return { broken: status.stderr.trim().split('\n')[0] ?? '' };
  const dotGit = join(dir, '.git');
  const gitDir = (await lstat(dotGit)).isDirectory()
    ? dotGit
    : (await runGit(['rev-parse', '--absolute-git-dir'], { cwd: dir, signal })).stdout.trim();
  let origin = originFromConfig(await readFile(join(gitDir, 'config'), 'utf8').catch(() => ''));
  if (origin === null || !sameRemote(origin, url)) {
    const answer = await runGit(['config', '--get', 'remote.origin.url'], { cwd: dir, signal, okCodes: [1] });
    origin = answer.code === 0 ? answer.stdout.trim() : null;
  }
  const marker = await readFile(join(gitDir, MARKER), 'utf8').catch(() => null);
  return { gitDir, origin, ...parseStatus(status.stdout), marker: marker?.trim() ?? null };
}
