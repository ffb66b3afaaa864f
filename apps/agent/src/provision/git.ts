import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** How many lines of git's stderr an error message keeps. */
const STDERR_LINES = 6;

// Variables that would point git at another repository than the one we name with `cwd`.
const REPO_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
  'GIT_CEILING_DIRECTORIES',
  // ...and ones that add config or programs of their own.
  'GIT_CONFIG',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
  'GIT_EXTERNAL_DIFF',
  'GIT_SSH',
  'SSH_ASKPASS',
];

/** `https://user:secret@host/x` → `https://host/x`; other strings unchanged. Used in every message. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
}

/** Removes credentials from any URL inside a text (git echoes URLs in its errors). */
export function redactText(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
}

/** A git command that failed: names the command, the repository URL and git's own words. */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  constructor(
    /** The git arguments, credentials removed. */
    readonly command: string[],
    /** The remote the command was about, credentials removed (`undefined` for local commands). */
    readonly url: string | undefined,
    /** git's stderr (first lines, credentials removed). */
    readonly stderr: string,
    /** Exit code, or `null` when git was killed by a signal. */
    readonly exitCode: number | null,
  ) {
    const where = url === undefined ? '' : ` (repository ${url})`;
    const detail = stderr === '' ? `exit code ${exitCode ?? 'none (killed)'}` : stderr;
    super(`git ${command.join(' ')} failed${where}: ${detail}`);
  }
}

/** Refuses a string git could read as an option (`-x`, `--upload-pack=…`). */
export function refuseOption(what: string, value: string): void {
  if (value.startsWith('-') || value.length === 0 || /[\s\0]/.test(value)) {
    throw new Error(
      `expected a ${what} that does not start with "-" and has no spaces, got ${JSON.stringify(value)}`,
    );
  }
}

/**
 * Refuses a URL git could read as an option, or one for a transport that runs commands (`ext::`).
 * Allowed: http(s)://, ssh://, git://, file:// and scp-like `user@host:path`.
 */
export function checkGitUrl(url: string): void {
  refuseOption('git URL', url);
  if (!/^(?:(?:https?|ssh|git|file):\/\/|[A-Za-z0-9_][A-Za-z0-9._-]*@[A-Za-z0-9][A-Za-z0-9.-]*:)/.test(url)) {
    throw new Error(
      `expected a git URL (https://, ssh://, git://, file:// or user@host:path), got ${JSON.stringify(redactUrl(url))}`,
    );
  }
}

/** True when `git-lfs` is on the PATH (looked up once): the agent then sets its filter itself. */
let lfsFound: boolean | undefined;
function hasGitLfs(): boolean {
  lfsFound ??= (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, 'git-lfs'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  return lfsFound;
}

/**
 * Settings that switch off every program a repository's own config could make git run and that git lets
 * the command line override by name (command-line config wins over `.git/config`; it reaches the git
 * processes git starts itself, e.g. for submodules). What cannot be overridden by name (a filter driver
 * the repository names itself) is refused before any other git call: see `git-guard.ts`.
 */
const NO_CONFIG_PROGRAMS = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.sshCommand=ssh -o BatchMode=yes',
  'core.pager=cat',
  'core.editor=:',
  'core.askPass=',
  'core.untrackedCache=false',
  'core.attributesFile=/dev/null',
  // An empty helper resets the list: helpers from every other config are forgotten.
  'credential.helper=',
  'protocol.ext.allow=never',
];

/**
 * The image configured git-lfs system-wide; system config is not read any more, so LFS is set here: with
 * git-lfs's own commands, or with none (an empty driver runs nothing), so a repository's `filter.lfs.*` never runs.
 */
function lfsConfig(): string[] {
  return hasGitLfs()
    ? [
        'filter.lfs.process=git-lfs filter-process',
        'filter.lfs.smudge=git-lfs smudge -- %f',
        'filter.lfs.clean=git-lfs clean -- %f',
        'filter.lfs.required=true',
      ]
    : ['filter.lfs.process=', 'filter.lfs.smudge=', 'filter.lfs.clean=', 'filter.lfs.required=false'];
}

/** Config that applies to every command; `file://` remotes need protocol.file.allow (local tests). */
function configFor(url: string | undefined): string[] {
  const config = [
    'protocol.version=2',
    'advice.detachedHead=false',
    ...NO_CONFIG_PROGRAMS,
    ...lfsConfig(),
    // System config (where the image allowed every owner) is not read: the agent may run as root on
    // checkouts owned by uid 1000. Ownership protects nothing here: the overrides above do.
    'safe.directory=*',
    // An https transfer slower than 1 kB/s for a minute is dead: fail rather than hang for ever.
    'http.lowSpeedLimit=1000',
    'http.lowSpeedTime=60',
    // Fetched objects stay in one pack that appears only when complete (resumable after a kill).
    'fetch.unpackLimit=1',
    'transfer.unpackLimit=1',
  ];
  if (url?.startsWith('file://')) config.push('protocol.file.allow=always');
  return ['--no-pager', ...config.flatMap((setting) => ['-c', setting])];
}

export interface GitOptions {
  /** Working directory; repository discovery never climbs above it. */
  cwd: string;
  /** The remote this command talks about (for config and error messages). */
  url?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Exit codes that are answers, not failures (e.g. 1 for `config --get` of a missing key). */
  okCodes?: number[];
}

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

function gitEnv(cwd: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of REPO_ENV) delete env[key];
  for (const key of Object.keys(env)) if (/^GIT_CONFIG_(?:KEY|VALUE)_\d+$/.test(key)) delete env[key];
  return {
    ...env,
    // Discovery stops at `cwd`: an extension folder without .git must never be read as the UI's repo.
    GIT_CEILING_DIRECTORIES: dirname(cwd),
    GIT_TERMINAL_PROMPT: '0',
    GIT_SSH_COMMAND: env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes',
    GCM_INTERACTIVE: 'never',
    // No system or global config: only the repository's own, and the overrides of `configFor`.
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    // Empty: no askpass program (and the terminal prompt is off), whatever core.askPass says.
    GIT_ASKPASS: '',
    GIT_PAGER: 'cat',
    GIT_EDITOR: ':',
    GIT_PROXY_COMMAND: '',
    GIT_OPTIONAL_LOCKS: '0',
    LC_ALL: 'C',
    LANGUAGE: 'C',
  };
}

function firstLines(text: string): string {
  const lines = text
    .split(/[\r\n]+/)
    .map((line) => line.trim())
    .filter(
      (line) =>
        line !== '' && !/^(remote: )?(Enumerating|Counting|Compressing|Receiving|Resolving)/.test(line),
    );
  return redactText(lines.slice(0, STDERR_LINES).join(' | '));
}

/**
 * Runs `git <config> <args>` in `opts.cwd` without a shell, prompts or inherited repository variables.
 * Rejects with {@link GitCommandError} on a non-zero exit (unless listed in `okCodes`), or with the
 * signal's reason when aborted.
 */
export function runGit(args: string[], opts: GitOptions): Promise<GitResult> {
  const url = opts.url === undefined ? undefined : redactUrl(opts.url);
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...configFor(opts.url), ...args],
      {
        cwd: opts.cwd,
        env: gitEnv(opts.cwd),
        signal: opts.signal,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (opts.signal?.aborted) return reject(opts.signal.reason);
        if (!error) return resolve({ stdout, stderr, code: 0 });
        const code = typeof error.code === 'number' ? error.code : null;
        if (code !== null && opts.okCodes?.includes(code)) return resolve({ stdout, stderr, code });
        const shown = args.map((arg) => redactText(arg));
        const why =
          code === null && typeof error.code === 'string' ? `${error.code}: ${error.message}` : stderr;
        reject(new GitCommandError(shown, url, firstLines(why), code));
      },
    );
  });
}

/** Reads the object count from `git fetch --progress` output; `undefined` when git did not say. */
export function fetchedObjectCount(stderr: string): number | undefined {
  const total = /Total (\d+)/.exec(stderr);
  if (total?.[1]) return Number(total[1]);
  const received = /(?:Receiving|Unpacking) objects: 100% \((\d+)\/\d+\)/.exec(stderr);
  return received?.[1] ? Number(received[1]) : undefined;
}
