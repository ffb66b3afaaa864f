import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SnapshotCheckout } from '@podpilot/common';
import { redactUrl, runGit } from '../provision/git.js';
import { programList, programsInGitConfig } from '../provision/git-guard.js';
import { exists, isDir } from './file-io.js';
import { byPath, inside, nameList } from './paths.js';

/** The schema's limit on `dirtyFiles` per checkout. */
const MAX_DIRTY = 1000;
/** Extension folders read at once (each runs three short git commands). */
const PARALLEL_CHECKOUTS = 4;

/** A folder whose origin and commit are unknown. */
const unknown = (path: string): SnapshotCheckout => ({ path, remote: null, commit: null, dirtyFiles: [] });

/** Parses `git status --porcelain -z` (v1): the paths, with renames giving their new path. */
function parsePorcelain(stdout: string): { path: string; untracked: boolean }[] {
  const entries = stdout.split('\0');
  const out: { path: string; untracked: boolean }[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] ?? '';
    if (entry.length < 4) continue;
    const xy = entry.slice(0, 2);
    out.push({ path: entry.slice(3), untracked: xy === '??' });
    if (xy.includes('R') || xy.includes('C')) i++; // the original path follows
  }
  return out;
}

/**
 * Reads the checkout in `dir`: origin (credentials removed), HEAD, changed files.
 * `ignoreUntracked` says which untracked paths are not changes. Null when `dir` has no `.git`; unknown (with
 * a warning) when its git config would make git run a program.
 */
export async function readCheckout(
  dir: string,
  path: string,
  ignoreUntracked: (file: string) => boolean,
  warnings: string[],
  signal: AbortSignal | undefined,
): Promise<SnapshotCheckout | null> {
  if (!(await exists(join(dir, '.git')))) return null;
  const name = path === '' ? 'the UI' : path;
  // A config that would make git run a program (a filter driver…): no git command runs there.
  const programs = await programsInGitConfig(dir, signal);
  if (programs.length > 0) {
    warnings.push(
      `${name}: its git config names programs git would run (${programList(programs)}): not read, it cannot be reproduced`,
    );
    return unknown(path);
  }
  const status = await runGit(
    ['--no-optional-locks', 'status', '--porcelain', '-z', '--untracked-files=all'],
    { cwd: dir, signal, okCodes: [128] },
  );
  if (status.code !== 0) {
    const why = status.stderr.trim().split('\n')[0] ?? '';
    warnings.push(`${name}: git cannot read the checkout (${why}): it cannot be reproduced`);
    return unknown(path);
  }
  const origin = await runGit(['remote', 'get-url', 'origin'], { cwd: dir, signal, okCodes: [2] });
  const head = await runGit(['rev-parse', '--verify', '-q', 'HEAD'], { cwd: dir, signal, okCodes: [1] });
  const remote = origin.code === 0 && origin.stdout.trim() !== '' ? redactUrl(origin.stdout.trim()) : null;
  const commit = head.code === 0 && /^[0-9a-f]{40}$/.test(head.stdout.trim()) ? head.stdout.trim() : null;
  const dirty = [
    ...new Set(
      parsePorcelain(status.stdout)
        .filter((entry) => !(entry.untracked && ignoreUntracked(entry.path)))
        .map((entry) => entry.path),
    ),
  ].sort();
  if (dirty.length > 0) {
    const more = dirty.length > MAX_DIRTY ? ` (only the first ${MAX_DIRTY} are listed in the report)` : '';
    warnings.push(
      `${name === 'the UI' ? name : `extension ${name}`} has local changes: ${nameList(dirty)}${more}`,
    );
  }
  if (commit === null) warnings.push(`${name} has no commit: it cannot be reproduced`);
  return { path, remote, commit, dirtyFiles: dirty.slice(0, MAX_DIRTY) };
}

/** The UI's own checkout; untracked files under `ignored` (or listed in `captured`) are not changes. */
export async function readUi(
  uiDir: string,
  ignored: string[],
  captured: string[],
  warnings: string[],
  signal: AbortSignal | undefined,
): Promise<SnapshotCheckout> {
  const isIgnored = (file: string) => inside(file, ignored) || captured.includes(file);
  const ui = (await readCheckout(uiDir, '', isIgnored, warnings, signal)) ?? unknown('');
  if (ui.commit === null && !(await exists(join(uiDir, '.git'))))
    warnings.push('the UI folder is not a git checkout: it cannot be reproduced');
  return ui;
}

/**
 * Every folder in the extensions folder, a few git processes at a time (an instance may hold a hundred
 * extensions). Each keeps its own warnings so that the report reads in name order whatever finishes first.
 */
export async function readExtensions(
  uiDir: string,
  extensionsDir: string,
  warnings: string[],
  signal: AbortSignal | undefined,
): Promise<SnapshotCheckout[]> {
  const entries = await readdir(join(uiDir, extensionsDir), { withFileTypes: true }).catch(
    () => [] as Dirent[],
  );
  const names = entries
    .filter((e) => !e.name.startsWith('.') && e.name !== '__pycache__')
    .map((e) => e.name)
    .sort();
  const extensions: SnapshotCheckout[] = [];
  for (let i = 0; i < names.length; i += PARALLEL_CHECKOUTS) {
    const batch = await Promise.all(
      names.slice(i, i + PARALLEL_CHECKOUTS).map((name) => readExtension(uiDir, extensionsDir, name, signal)),
    );
    for (const read of batch) {
      if (!read) continue;
      extensions.push(read.checkout);
      warnings.push(...read.notes);
    }
  }
  return extensions.sort(byPath);
}

async function readExtension(
  uiDir: string,
  extensionsDir: string,
  name: string,
  signal: AbortSignal | undefined,
): Promise<{ checkout: SnapshotCheckout; notes: string[] } | null> {
  signal?.throwIfAborted();
  const dir = join(uiDir, extensionsDir, name);
  if (!(await isDir(dir))) return null;
  const path = `${extensionsDir}/${name}`;
  const notes: string[] = [];
  const checkout = await readCheckout(dir, path, () => false, notes, signal);
  if (checkout === null) {
    notes.push(`${path} is not a git checkout: it cannot be reproduced`);
    return { checkout: unknown(path), notes };
  }
  if (checkout.remote === null && checkout.commit !== null)
    notes.push(`extension ${path} has no remote: it cannot be reproduced`);
  return { checkout, notes };
}
