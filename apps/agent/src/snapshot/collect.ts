import { createHash } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import {
  type SnapshotCheckout,
  type SnapshotFile,
  type SnapshotModel,
  type SnapshotReport,
  UI_KINDS,
  type UiKind,
} from '@podpilot/common';
import { redactUrl, runGit } from '../provision/git.js';
import { type FileIdentity, HashMemo } from './hash-memo.js';
import { findStrayModels } from './stray-models.js';

/** Files up to this size that are valid UTF-8 without NUL are kept as text in the report. */
export const MAX_CONTENT_BYTES = 256 * 1024;
/** Files read back from a kind's settings folders (saved workflows); the report holds 500 files at most. */
const MAX_FOLDER_FILES = 300;
/** The schema's limit on `dirtyFiles` per checkout. */
const MAX_DIRTY = 1000;
/** Extension folders read at once (each runs three short git commands). */
const PARALLEL_CHECKOUTS = 4;
/** How many paths a warning names before "and N more". */
const WARN_NAMES = 10;

export interface CollectSnapshotOptions {
  /** The UI's install folder; every reported path is relative to it. */
  uiDir: string;
  uiKind: UiKind;
  /** The agent's model cache (`agentPaths(workspace).cacheDir`); files live at `<cacheDir>/sha256/<hex>`. */
  cacheDir: string;
  /** Paths relative to `uiDir` that the profile lists. */
  profileFiles: string[];
  commandId: string;
  /** Where to remember model hashes between snapshots (unchanged files are not read again); none = hash all. */
  hashMemo?: string;
  /** Bytes hashed so far of all model bytes that need hashing, and the file being hashed. */
  onProgress?: (done: number, total: number, path: string) => void;
  signal?: AbortSignal;
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** POSIX-style relative path (reports never carry the platform separator). */
const posix = (path: string) => path.split(sep).join('/');

/** Trailing-slash-free folder path for prefix checks. */
const folder = (path: string) => posix(path).replace(/\/+$/, '');

function inside(path: string, dirs: string[]): boolean {
  return dirs.some((dir) => path === dir || path.startsWith(`${dir}/`));
}

function nameList(paths: string[]): string {
  const shown = paths.slice(0, WARN_NAMES).join(', ');
  return paths.length > WARN_NAMES ? `${shown} and ${paths.length - WARN_NAMES} more` : shown;
}

/** Hidden files, partial downloads and editors'/tools' temporary files are not models. */
function skippedName(name: string): boolean {
  return (
    name.startsWith('.') ||
    /\.(part|partial|tmp|temp|crdownload|download|journal|lock)$/i.test(name) ||
    name.endsWith('~')
  );
}

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

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => null)) !== null;
}

/**
 * Reads the checkout in `dir`: origin (credentials removed), HEAD, changed files.
 * `ignoreUntracked` says which untracked paths are not changes. Null when `dir` has no `.git`.
 */
async function readCheckout(
  dir: string,
  path: string,
  ignoreUntracked: (file: string) => boolean,
  warnings: string[],
  signal: AbortSignal | undefined,
): Promise<SnapshotCheckout | null> {
  if (!(await exists(join(dir, '.git')))) return null;
  const status = await runGit(
    ['--no-optional-locks', 'status', '--porcelain', '-z', '--untracked-files=all'],
    {
      cwd: dir,
      signal,
      okCodes: [128],
    },
  );
  const name = path === '' ? 'the UI' : path;
  if (status.code !== 0) {
    const why = status.stderr.trim().split('\n')[0] ?? '';
    warnings.push(`${name}: git cannot read the checkout (${why}): it cannot be reproduced`);
    return { path, remote: null, commit: null, dirtyFiles: [] };
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

/** `dev:ino` → hex for every file of `<cacheDir>/sha256/`. */
async function cacheInodes(cacheDir: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  const dir = join(cacheDir, 'sha256');
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!/^[0-9a-f]{64}$/.test(name)) continue;
    const info = await stat(join(dir, name), { bigint: true }).catch(() => null);
    if (info?.isFile()) map.set(`${info.dev}:${info.ino}`, name);
  }
  return map;
}

/** Regular files under `dir` (relative to `root`), following file symlinks but not folder symlinks. */
async function walk(
  root: string,
  rel: string,
  out: Map<string, bigint>,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  let entries: Dirent[];
  try {
    entries = await readdir(join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (skippedName(entry.name)) continue;
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) await walk(root, child, out, signal);
    else if (entry.isFile() || entry.isSymbolicLink()) {
      const info = await stat(join(root, child), { bigint: true }).catch(() => null);
      if (info?.isFile()) out.set(child, info.size);
    }
  }
}

async function hashFile(
  path: string,
  signal: AbortSignal | undefined,
  onBytes?: (bytes: number) => void,
): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024, ...(signal ? { signal } : {}) });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    onBytes?.(chunk.length);
  }
  return hash.digest('hex');
}

/** The text of `bytes` when it is valid UTF-8 without NUL (a BOM is kept), else null. */
function asText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** A relative path that stays inside the UI folder, normalised to `a/b`; null otherwise. */
function safeRelative(path: string): string | null {
  if (path === '' || isAbsolute(path) || path.includes('\0')) return null;
  const norm = posix(normalize(path));
  if (norm === '.' || norm === '..' || norm.startsWith('../')) return null;
  return norm.replace(/\/+$/, '');
}

/**
 * Captures the running environment under `uiDir`: the UI checkout, every extension folder, every model
 * file (its sha256 taken from the cache when it is a hard link of a cache file, else hashed), the
 * profile's files and the kind's settings files, with warnings for what cannot be reproduced.
 */
export async function collectSnapshot(options: CollectSnapshotOptions): Promise<SnapshotReport> {
  const { uiDir, uiKind, cacheDir, signal } = options;
  const kind = UI_KINDS[uiKind];
  const warnings: string[] = [];
  const modelDirs = [...new Set(Object.values(kind.modelDirs).map(folder))].sort();
  const extensionsDir = kind.extensionsDir === null ? null : folder(kind.extensionsDir);

  // Files the report captures itself are not "local changes" of the UI when untracked.
  const wanted: string[] = [];
  for (const raw of [...options.profileFiles, ...kind.settingsFiles]) {
    const rel = safeRelative(raw);
    if (rel === null)
      warnings.push(`file ${JSON.stringify(raw)} is not a path inside the UI folder: skipped`);
    else if (!wanted.includes(rel)) wanted.push(rel);
  }
  const profileSet = new Set(options.profileFiles.map(safeRelative).filter((p): p is string => p !== null));

  // --- UI ---
  const settingsFolders = kind.settingsFolders.map(folder);
  const uiIgnored = [...modelDirs, ...kind.defaultOutputs.map(folder), ...settingsFolders, '.podpilot'];
  if (extensionsDir !== null) uiIgnored.push(extensionsDir);
  const ui = (await readCheckout(
    uiDir,
    '',
    (file) => inside(file, uiIgnored) || wanted.includes(file),
    warnings,
    signal,
  )) ?? { path: '', remote: null, commit: null, dirtyFiles: [] };
  if (ui.commit === null && !(await exists(join(uiDir, '.git'))))
    warnings.push('the UI folder is not a git checkout: it cannot be reproduced');

  // --- extensions ---
  const extensions: SnapshotCheckout[] = [];
  if (extensionsDir !== null) {
    const entries = await readdir(join(uiDir, extensionsDir), { withFileTypes: true }).catch(
      () => [] as Dirent[],
    );
    const names = entries
      .filter((e) => !e.name.startsWith('.') && e.name !== '__pycache__')
      .map((e) => e.name)
      .sort();
    // A few git processes at a time: an instance may hold a hundred extensions. Each keeps its own warnings
    // so that the report reads in name order whatever finishes first.
    const readOne = async (name: string): Promise<{ checkout: SnapshotCheckout; notes: string[] } | null> => {
      signal?.throwIfAborted();
      const dir = join(uiDir, extensionsDir, name);
      if (!(await isDir(dir))) return null;
      const path = `${extensionsDir}/${name}`;
      const notes: string[] = [];
      const checkout = await readCheckout(dir, path, () => false, notes, signal);
      if (checkout === null) {
        notes.push(`${path} is not a git checkout: it cannot be reproduced`);
        return { checkout: { path, remote: null, commit: null, dirtyFiles: [] }, notes };
      }
      if (checkout.remote === null && checkout.commit !== null)
        notes.push(`extension ${path} has no remote: it cannot be reproduced`);
      return { checkout, notes };
    };
    for (let i = 0; i < names.length; i += PARALLEL_CHECKOUTS) {
      const batch = await Promise.all(names.slice(i, i + PARALLEL_CHECKOUTS).map(readOne));
      for (const read of batch) {
        if (!read) continue;
        extensions.push(read.checkout);
        warnings.push(...read.notes);
      }
    }
  }
  extensions.sort(byPath);

  // --- models ---
  signal?.throwIfAborted();
  const found = new Map<string, bigint>();
  for (const dir of modelDirs) await walk(uiDir, dir, found, signal);
  // Files the UI's own checkout carries (e.g. ComfyUI's `put_checkpoints_here`) are not models.
  if (ui.commit !== null && found.size > 0) {
    const tracked = await runGit(['ls-files', '-z', '--', ...modelDirs], { cwd: uiDir, signal });
    for (const path of tracked.stdout.split('\0')) found.delete(path);
  }
  const inodes = await cacheInodes(cacheDir);
  const memo = options.hashMemo === undefined ? null : await HashMemo.load(options.hashMemo);
  const models: SnapshotModel[] = [];
  const toHash: { path: string; size: number; identity: FileIdentity | null }[] = [];
  for (const [path, size] of [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const info = await stat(join(uiDir, path), { bigint: true }).catch(() => null);
    const identity = info && { dev: info.dev, ino: info.ino, size: info.size, mtimeNs: info.mtimeNs };
    const hex = info
      ? (inodes.get(`${info.dev}:${info.ino}`) ?? (identity ? memo?.get(path, identity) : undefined))
      : undefined;
    if (hex !== undefined) models.push({ path, sha256: hex, sizeBytes: Number(size) });
    else toHash.push({ path, size: Number(size), identity });
  }
  const total = toHash.reduce((sum, file) => sum + file.size, 0);
  let done = 0;
  for (const file of toHash) {
    signal?.throwIfAborted();
    options.onProgress?.(done, total, file.path);
    const sha256 = await hashFile(join(uiDir, file.path), signal, (bytes) => {
      done += bytes;
      options.onProgress?.(done, total, file.path);
    });
    models.push({ path: file.path, sha256, sizeBytes: file.size });
    if (file.identity) memo?.set(file.path, file.identity, sha256);
  }
  models.sort(byPath);
  await memo?.save();

  // --- weights elsewhere (an extension's own downloads): named, since the snapshot cannot bring them ---
  const checkouts = [ui, ...extensions].filter((c) => c.commit !== null).map((c) => c.path);
  const stray = await findStrayModels(
    uiDir,
    [...modelDirs, ...kind.defaultOutputs.map(folder), ...kind.selfManagedDirs.map(folder)],
    checkouts,
    signal,
  );
  if (stray.paths.length > 0)
    warnings.push(
      `model files outside the model folders are not captured: ${nameList(stray.paths)} (the UI or an extension that downloaded them may do so again on first use; to keep them, move them into a model folder of ${uiKind}, e.g. ${kind.modelDirs.checkpoint}/)`,
    );
  if (stray.truncated)
    warnings.push('the UI folder has too many files to look through all of them for model files');

  // --- files: the profile's, the kind's settings files, and what its settings folders hold ---
  const saved = new Map<string, bigint>();
  for (const dir of settingsFolders) await walk(uiDir, dir, saved, signal);
  const savedPaths = [...saved.keys()].filter((p) => !wanted.includes(p)).sort();
  if (savedPaths.length > MAX_FOLDER_FILES)
    warnings.push(
      `${settingsFolders.join(', ')} hold ${savedPaths.length} files: only the first ${MAX_FOLDER_FILES} are kept`,
    );
  wanted.push(...savedPaths.slice(0, MAX_FOLDER_FILES));
  const files: SnapshotFile[] = [];
  for (const path of wanted.sort()) {
    signal?.throwIfAborted();
    const full = join(uiDir, path);
    const info = await stat(full).catch(() => null);
    if (!info?.isFile()) {
      if (profileSet.has(path)) warnings.push(`profile file ${path} is missing: it was not captured`);
      continue;
    }
    if (info.size > MAX_CONTENT_BYTES) {
      const sha256 = await hashFile(full, signal);
      files.push({ path, sha256, sizeBytes: info.size });
      warnings.push(
        `file ${path} is larger than ${MAX_CONTENT_BYTES / 1024} KiB (${info.size} bytes): its content was not kept`,
      );
      continue;
    }
    const bytes = await readFile(full, signal ? { signal } : {});
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const content = asText(bytes);
    if (content === null) {
      files.push({ path, sha256, sizeBytes: bytes.length });
      warnings.push(`file ${path} is not UTF-8 text: its content was not kept`);
    } else files.push({ path, sha256, sizeBytes: bytes.length, content });
  }

  return {
    commandId: options.commandId,
    takenAt: new Date().toISOString(),
    ui,
    extensions,
    models,
    files,
    warnings,
  };
}
