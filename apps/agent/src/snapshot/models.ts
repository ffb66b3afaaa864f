import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SnapshotModel } from '@podpilot/common';
import { runGit } from '../provision/git.js';
import { hashFile, walk } from './file-io.js';
import { type FileIdentity, HashMemo } from './hash-memo.js';
import { byPath } from './paths.js';

export interface CollectModelsOptions {
  uiDir: string;
  /** The kind's model folders, relative to `uiDir`. */
  modelDirs: string[];
  /** Whether the UI is a checkout with a commit (its own tracked files are then not models). */
  uiHasCommit: boolean;
  cacheDir: string;
  hashMemo?: string;
  onProgress?: (done: number, total: number, path: string) => void;
  signal?: AbortSignal;
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

/**
 * Every model file in the model folders, with its sha256: from the cache when the file is a hard link of a
 * cache file, from the memo when it is unchanged since the last snapshot, else hashed (with progress).
 */
export async function collectModels(options: CollectModelsOptions): Promise<SnapshotModel[]> {
  const { uiDir, modelDirs, signal } = options;
  signal?.throwIfAborted();
  const found = new Map<string, bigint>();
  for (const dir of modelDirs) await walk(uiDir, dir, found, signal);
  // Files the UI's own checkout carries (e.g. ComfyUI's `put_checkpoints_here`) are not models.
  if (options.uiHasCommit && found.size > 0) {
    const tracked = await runGit(['ls-files', '-z', '--', ...modelDirs], { cwd: uiDir, signal });
    for (const path of tracked.stdout.split('\0')) found.delete(path);
  }
  const inodes = await cacheInodes(options.cacheDir);
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
  models.push(...(await hashAll(toHash, memo, options)));
  models.sort(byPath);
  await memo?.save();
  return models;
}

/** Hashes the files nothing knew, one after the other, remembering each in the memo. */
async function hashAll(
  files: { path: string; size: number; identity: FileIdentity | null }[],
  memo: HashMemo | null,
  { uiDir, onProgress, signal }: CollectModelsOptions,
): Promise<SnapshotModel[]> {
  const total = files.reduce((sum, file) => sum + file.size, 0);
  let done = 0;
  const models: SnapshotModel[] = [];
  for (const file of files) {
    signal?.throwIfAborted();
    onProgress?.(done, total, file.path);
    const sha256 = await hashFile(join(uiDir, file.path), signal, (bytes) => {
      done += bytes;
      onProgress?.(done, total, file.path);
    });
    models.push({ path: file.path, sha256, sizeBytes: file.size });
    if (file.identity) memo?.set(file.path, file.identity, sha256);
  }
  return models;
}
