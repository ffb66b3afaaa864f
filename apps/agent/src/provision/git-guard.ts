import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { runGit } from './git.js';

/**
 * Settings in a repository's own config (`.git/config` and what it includes) that make git, or git-lfs,
 * run a program during the commands the agent runs (status, fetch, checkout, submodule update, ls-files),
 * and that the agent's command-line config cannot switch off by name (a filter or diff driver has a name
 * the repository chooses). `core.fsmonitor`, `core.hooksPath`, `core.sshCommand`, `core.pager`,
 * `core.askPass` and credential helpers are not listed: every git call overrides them (see `git.ts`).
 * `core.worktree` runs nothing but would make a checkout write outside its folder.
 */
const RUNS_A_PROGRAM: RegExp[] = [
  /^filter\..+\.(?:clean|smudge|process)$/,
  /^diff\.external$/,
  /^diff\..+\.(?:command|textconv)$/,
  /^merge\..+\.driver$/,
  /^remote\..+\.(?:uploadpack|receivepack)$/,
  /^submodule\..+\.update$/,
  /^core\.(?:gitproxy|alternaterefscommand|worktree)$/,
  /^lfs\.customtransfer\..+\.path$/,
  /^lfs\.standalonetransferagent$/,
  /^lfs\.extension\..+\.(?:clean|smudge)$/,
];

/** The agent sets these drivers itself on every call (git-lfs's own, or none): a repository's copy is inert. */
const OVERRIDDEN = /^filter\.lfs\.(?:clean|smudge|process)$/;

/**
 * Keys of a `git config --null --list --show-scope` listing that run a program (see {@link RUNS_A_PROGRAM}).
 * Only the repository's own scopes count: the agent's `-c` settings (scope `command`) are its own.
 * `worktreeOk` accepts a `core.worktree` (git sets one in each submodule's git dir).
 */
export function programKeys(listing: string, worktreeOk: (value: string) => boolean = () => false): string[] {
  const fields = listing.split('\0');
  const keys: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const scope = fields[i] ?? '';
    const entry = fields[i + 1] ?? '';
    const newline = entry.indexOf('\n');
    const key = newline < 0 ? entry : entry.slice(0, newline);
    if (scope === 'command' || OVERRIDDEN.test(key)) continue;
    // `submodule.<name>.update` is harmless as a mode; `!command` runs a program (the agent passes
    // `--checkout` anyway, so this is belt and braces).
    const value = newline < 0 ? '' : entry.slice(newline + 1);
    if (/^submodule\./.test(key) && !value.startsWith('!')) continue;
    if (key === 'core.worktree' && worktreeOk(value)) continue;
    if (RUNS_A_PROGRAM.some((pattern) => pattern.test(key)) && !keys.includes(key)) keys.push(key);
  }
  return keys;
}

async function keysOf(cwd: string, gitDir: string | null, signal: AbortSignal | undefined) {
  // A submodule's work tree is a folder of the checkout; the checkout's own has no other place.
  const worktreeOk = (value: string) =>
    gitDir !== null && resolve(gitDir, value).startsWith(`${resolve(cwd)}${sep}`);
  const where = gitDir === null ? [] : [`--git-dir=${gitDir}`];
  // A config git cannot parse runs nothing: the caller's next git command reports it.
  const listed = await runGit([...where, 'config', '--null', '--list', '--show-scope'], {
    cwd,
    signal,
    okCodes: [1, 128],
  });
  return listed.code === 0 ? programKeys(listed.stdout, worktreeOk) : [];
}

/** Git dirs of submodules under `modulesDir` (`.git/modules/<name>`, names may hold `/`, nested). */
async function submoduleGitDirs(modulesDir: string, depth = 0): Promise<string[]> {
  if (depth > 8) return [];
  const entries = await readdir(modulesDir, { withFileTypes: true }).catch(() => [] as Dirent[]);
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = join(modulesDir, entry.name);
    const isGitDir = (await lstat(join(dir, 'HEAD')).catch(() => null)) !== null;
    if (isGitDir) found.push(dir);
    found.push(...(await submoduleGitDirs(isGitDir ? join(dir, 'modules') : dir, depth + 1)));
  }
  return found;
}

/**
 * The settings in the checkout's own git config, or in its submodules', that would make git run a program
 * (as `key` or `submodule-dir: key`); empty when none. Reading config runs nothing, so this is safe to call
 * before any other git command in a folder an untrusted process could have written to.
 */
export async function programsInGitConfig(dir: string, signal: AbortSignal | undefined): Promise<string[]> {
  const found = await keysOf(dir, null, signal);
  const dotGit = join(dir, '.git');
  if (!(await lstat(dotGit).catch(() => null))?.isDirectory()) return found;
  for (const gitDir of await submoduleGitDirs(join(dotGit, 'modules'))) {
    const name = gitDir.slice(dotGit.length + 1);
    for (const key of await keysOf(dir, gitDir, signal)) found.push(`${name}: ${key}`);
  }
  return found;
}

/** A short list of such settings for a message: the first five, then how many more. */
export function programList(keys: string[]): string {
  const shown = keys.slice(0, 5).join(', ');
  return keys.length > 5 ? `${shown} and ${keys.length - 5} more` : shown;
}
