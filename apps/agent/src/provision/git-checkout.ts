import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkGitUrl, fetchedObjectCount, GitCommandError, redactUrl, runGit } from './git.js';
import { programList } from './git-guard.js';
import { MARKER, type RepoState, readRepo, sameRemote } from './repo-state.js';

/** What {@link ensureCheckout} did. */
export interface CheckoutResult {
  /** `cloned`: the folder was new (or an interrupted first clone); `updated`: moved to another commit or repaired. */
  status: 'cloned' | 'unchanged' | 'updated';
  /** The commit now checked out (always the pinned one). */
  commit: string;
  /** Objects git received, when it said (only for `cloned` and `updated`). */
  fetchedObjects?: number;
}

export interface CheckoutOptions {
  /** The checkout folder (created when missing). */
  dir: string;
  /** The remote: https://, git@host:path or file:// (tests). Must not start with "-". */
  url: string;
  /** The pinned 40-hex commit. */
  commit: string;
  /** Aborting kills the running git; the next call repairs what was left. */
  signal?: AbortSignal;
}

/** `unsafe-config`: its git config names a program git would run (a filter driver…); no git runs there. */
export type CheckoutConflictReason =
  | 'dirty'
  | 'wrong-remote'
  | 'not-a-checkout'
  | 'in-the-way'
  | 'unsafe-config';

/** The folder holds something PodPilot must not overwrite; nothing was changed. */
export class CheckoutConflictError extends Error {
  override readonly name = 'CheckoutConflictError';
  constructor(
    readonly dir: string,
    readonly reason: CheckoutConflictReason,
    message: string,
    /** Tracked files with local changes (`dirty`), or untracked files in the way (`in-the-way`). */
    readonly files: string[] = [],
  ) {
    super(message);
  }
}

/** Locks a killed git leaves behind; removed only when our marker (or a bare, broken .git) says we were interrupted. */
const STALE_LOCKS = ['index.lock', 'shallow.lock', 'HEAD.lock', 'config.lock'];
const COMMIT = /^[0-9a-f]{40}$/;
const SHOWN_FILES = 5;

const locks = new Map<string, Promise<unknown>>();

/** Runs `task` after any earlier task on the same folder in this process has settled. */
function serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.catch(() => undefined);
  locks.set(key, settled);
  void settled.then(() => {
    if (locks.get(key) === settled) locks.delete(key);
  });
  return next;
}

function listFiles(files: string[]): string {
  const shown = files.slice(0, SHOWN_FILES).join(', ');
  return files.length > SHOWN_FILES ? `${shown} and ${files.length - SHOWN_FILES} more` : shown;
}

const short = (commit: string | null) => (commit === null ? 'none' : commit.slice(0, 12));

const init = (dir: string, signal: AbortSignal | undefined) =>
  runGit(['-c', 'init.defaultBranch=main', 'init', '-q'], { cwd: dir, signal });

/** Fetches exactly `commit`, one commit deep, and checks it out detached. */
async function fetchAndCheckout(
  opts: CheckoutOptions,
  dir: string,
  force: boolean,
): Promise<number | undefined> {
  const { url, commit, signal } = opts;
  const fetchArgs = ['fetch', '--progress', '--no-tags', '--no-auto-maintenance', '--depth', '1'];
  const fetched = await runGit([...fetchArgs, '--', 'origin', commit], { cwd: dir, url, signal });
  const checkout = ['checkout', '-q', ...(force ? ['--force'] : []), '--detach', commit, '--'];
  try {
    await runGit(checkout, { cwd: dir, url, signal });
  } catch (error) {
    if (error instanceof GitCommandError && /would be overwritten/.test(error.stderr)) {
      const files = error.stderr
        .split(' | ')
        .filter((line) => !/[:.]$/.test(line) && !/^(error|Please|Aborting)/.test(line));
      throw new CheckoutConflictError(
        dir,
        'in-the-way',
        `${dir}: files not tracked at ${short(commit)} are in the way of the checkout (${listFiles(files)}): move them away`,
        files,
      );
    }
    throw error;
  }
  const head = await runGit(['rev-parse', 'HEAD'], { cwd: dir, signal });
  if (head.stdout.trim() !== commit) {
    throw new Error(`${dir}: after checkout HEAD is ${head.stdout.trim()}, expected ${commit}`);
  }
  return fetchedObjectCount(fetched.stderr);
}

async function checkout(opts: CheckoutOptions, dir: string): Promise<CheckoutResult> {
  const { url, commit, signal } = opts;
  const onlyGit = await prepareFolder(dir, signal);
  const state = await readOrRepair(dir, url, onlyGit, signal);
  checkRemote(dir, state, url, onlyGit);
  if (state.marker === null && alreadyAt(dir, state, commit, onlyGit)) {
    await updateSubmodules(opts, dir);
    return { status: 'unchanged', commit };
  }
  const fetchedObjects = await moveTo(opts, dir, state);
  await updateSubmodules(opts, dir);
  const status = state.head === null ? 'cloned' : 'updated';
  return fetchedObjects === undefined ? { status, commit } : { status, commit, fetchedObjects };
}

/**
 * Brings the checkout's submodules (recursively) to the commits it records (Kohya's `sd-scripts`): only when it
 * has a `.gitmodules`; no network when they are in place already.
 */
async function updateSubmodules({ url, signal }: CheckoutOptions, dir: string): Promise<void> {
  if (!(await stat(join(dir, '.gitmodules')).catch(() => null))) return;
  // Fetches only a submodule commit that is missing: a checkout already complete stays offline.
  // `--checkout` whatever `submodule.<name>.update` says (its `!command` form runs a program).
  await runGit(['submodule', 'update', '--init', '--recursive', '--checkout'], { cwd: dir, url, signal });
}

/** Makes `dir` a folder with a `.git` (`git init` in a new or empty one); true when `.git` is all it holds. */
async function prepareFolder(dir: string, signal: AbortSignal | undefined): Promise<boolean> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (info !== null && !info.isDirectory()) {
    throw new CheckoutConflictError(dir, 'not-a-checkout', `${dir} is not a git checkout: it is a file`);
  }
  if (info === null) await mkdir(dir, { recursive: true });
  const entries = info === null ? [] : await readdir(dir);
  if (!entries.includes('.git')) {
    if (entries.length > 0) {
      throw new CheckoutConflictError(
        dir,
        'not-a-checkout',
        `${dir} is not a git checkout: it holds ${entries.length} entries (${listFiles(entries.sort())}) and no .git; move it away or empty it`,
      );
    }
    await init(dir, signal);
  }
  return entries.length <= 1;
}

/** The repository's state; a `.git` a killed `git init` left half-made is made again when nothing else is there. */
async function readOrRepair(
  dir: string,
  url: string,
  onlyGit: boolean,
  signal: AbortSignal | undefined,
): Promise<RepoState> {
  let read = await readRepo(dir, url, signal);
  // `git init` again fills in what a killed `git init` left out, and changes nothing in a sound repo.
  if ('broken' in read && onlyGit) {
    // Nothing but our own .git is here: a lock the killed `git init` left would make the new one refuse.
    await Promise.all(STALE_LOCKS.map((lock) => rm(join(dir, '.git', lock), { force: true })));
    await init(dir, signal);
    read = await readRepo(dir, url, signal);
  }
  if ('programs' in read) throw unsafeConfig(dir, read.programs);
  if ('broken' in read) {
    throw new CheckoutConflictError(
      dir,
      'not-a-checkout',
      `${dir} is not a git checkout: git cannot read its .git (${read.broken})`,
    );
  }
  return read;
}

function unsafeConfig(dir: string, programs: string[]): CheckoutConflictError {
  return new CheckoutConflictError(
    dir,
    'unsafe-config',
    `${dir}: its git config names programs git would run (${programList(programs)}); PodPilot runs no git command there: remove these settings or move the folder away`,
  );
}

/** Refuses a checkout of another remote, unless it is a first clone of ours that never got a commit. */
function checkRemote(dir: string, state: RepoState, url: string, onlyGit: boolean): void {
  if (state.origin !== null && !sameRemote(state.origin, url)) {
    // A first clone that never got a commit, with nothing else in the folder, is ours to re-point.
    if (state.head !== null || !onlyGit) {
      throw new CheckoutConflictError(
        dir,
        'wrong-remote',
        `${dir} is a checkout of ${redactUrl(state.origin)} (at commit ${short(state.head)}), not of ${redactUrl(url)}; move it away or fix the profile`,
      );
    }
  } else if (state.origin === null && state.head !== null) {
    throw new CheckoutConflictError(
      dir,
      'wrong-remote',
      `${dir} is a git checkout with no "origin" remote (at commit ${short(state.head)}), expected ${redactUrl(url)}`,
    );
  }
}

/**
 * For a checkout no run was interrupted in: true when it is clean and at `commit` already. Refuses a folder
 * with other files beside a commit-less `.git`, and local changes to tracked files.
 */
function alreadyAt(dir: string, state: RepoState, commit: string, onlyGit: boolean): boolean {
  if (state.head === null && !onlyGit) {
    throw new CheckoutConflictError(
      dir,
      'not-a-checkout',
      `${dir} is not a PodPilot checkout: its .git has no commit but the folder holds other files; move it away`,
    );
  }
  if (state.head === null) return false;
  const dirty = state.dirty;
  if (dirty.length > 0) {
    throw new CheckoutConflictError(
      dir,
      'dirty',
      `${dir} has local changes to tracked files (${listFiles(dirty)}) at commit ${short(state.head)} of ${redactUrl(state.origin ?? '')}, wanted ${short(commit)}; commit, stash or discard them (PodPilot never overwrites local edits)`,
      dirty,
    );
  }
  return state.head === commit;
}

/** Fetches and checks out `commit`, behind a marker that lets the next run finish a killed one. */
async function moveTo(opts: CheckoutOptions, dir: string, state: RepoState): Promise<number | undefined> {
  const { url, commit, signal } = opts;
  const interrupted = state.marker !== null;
  // From here on the folder is changed: leave a marker so a killed run is finished by the next one.
  await writeFile(join(state.gitDir, MARKER), `${commit}\n`);
  // An unborn HEAD holds nothing of anyone's yet: a lock there is a killed first run's too.
  if (interrupted || state.head === null) {
    await Promise.all(STALE_LOCKS.map((lock) => rm(join(state.gitDir, lock), { force: true })));
  }
  if (state.origin === null) await runGit(['remote', 'add', '--', 'origin', url], { cwd: dir, url, signal });
  else if (!sameRemote(state.origin, url)) {
    await runGit(['remote', 'set-url', '--', 'origin', url], { cwd: dir, url, signal });
  }
  // Forcing is safe only over our own half-written files: an unborn HEAD, or a run we interrupted.
  const fetchedObjects = await fetchAndCheckout(opts, dir, interrupted || state.head === null).catch(
    async (error: unknown) => {
      // git refused or failed on its own before touching the work tree (a bad commit, the network,
      // files in the way): the next run must check again rather than force its way through.
      const untouched =
        error instanceof CheckoutConflictError ||
        (error instanceof GitCommandError && error.command[0] === 'fetch');
      if (untouched && !interrupted && !signal?.aborted)
        await rm(join(state.gitDir, MARKER), { force: true });
      throw error;
    },
  );
  await rm(join(state.gitDir, MARKER), { force: true });
  return fetchedObjects;
}

/**
 * Makes `dir` a checkout of `url` at exactly `commit` (detached, one commit of history).
 *
 * Idempotent: a clean checkout already at the commit is left alone without any network access
 * (one local `git status`). A clean checkout at another commit of the same remote is fetched
 * shallowly and moved. Untracked files (models, outputs) are kept; tracked files with local changes
 * are never overwritten. Resumable: a run killed at any point (abort, crash) leaves a marker in the
 * git dir, and the next call finishes the job (removing the stale git locks it left). Calls on the
 * same folder are serialised within the process; do not run two agents on one workspace.
 *
 * @throws CheckoutConflictError when the folder is not a checkout, belongs to another remote, has
 *   local changes to tracked files, or has untracked files in the way; nothing is changed then.
 * @throws GitCommandError when git fails (network, unknown commit…), naming the command and URL.
 * @throws the signal's reason when aborted.
 */
export function ensureCheckout(opts: CheckoutOptions): Promise<CheckoutResult> {
  if (!COMMIT.test(opts.commit)) {
    return Promise.reject(
      new Error(`expected a 40-hex commit to check out, got ${JSON.stringify(opts.commit)}`),
    );
  }
  try {
    checkGitUrl(opts.url);
  } catch (error) {
    return Promise.reject(error);
  }
  const dir = resolve(opts.dir);
  return serialised(dir, () => checkout(opts, dir));
}
