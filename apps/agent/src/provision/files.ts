import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, realpath, rename, rm } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { checkRelativePath, type Profile } from '@podpilot/common';

/** What {@link writeProfileFiles} did with one `files[]` entry. */
export interface FileWriteResult {
  /** The profile's path, relative to the UI folder. */
  path: string;
  /** `unchanged`: the file already held exactly this content, nothing was written. */
  status: 'written' | 'unchanged';
  bytes: number;
}

/** A `files[]` path that would leave the UI folder or write through a link; nothing was written for it. */
export class UnsafeFilePathError extends Error {
  override readonly name = 'UnsafeFilePathError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`files[].path ${JSON.stringify(path)}: ${reason}`);
  }
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

async function lstatOrNull(path: string) {
  return lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
}

/**
 * The real folder `path`'s file goes in, creating missing folders. Each existing parent is resolved
 * with realpath and must stay under `root` (a symlink to elsewhere in the UI folder is fine).
 */
async function safeParent(root: string, path: string): Promise<string> {
  const segments = path.split('/').slice(0, -1);
  let current = root;
  for (const segment of segments) {
    const next = join(current, segment);
    const info = await lstatOrNull(next);
    if (info === null) {
      await mkdir(next).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    }
    const real = await realpath(next);
    if (!isInside(root, real)) {
      throw new UnsafeFilePathError(
        path,
        `${segment} leads outside the UI folder (to ${real}) through a symlink`,
      );
    }
    const realInfo = await lstat(real);
    if (!realInfo.isDirectory()) throw new UnsafeFilePathError(path, `${segment} is not a folder`);
    current = real;
  }
  return current;
}

/** Writes `data` to `target` by way of a temp file in the same folder: readers see old or new, never half. */
async function atomicWrite(target: string, data: Buffer, mode: number): Promise<void> {
  const temp = join(target, '..', `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  // `wx`: create exclusively (O_EXCL never follows a symlink planted at the temp name).
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // The rename itself is durable once the folder is synced (best effort: some filesystems refuse).
  const folder = await open(join(target, '..'), 'r').catch(() => null);
  await folder
    ?.sync()
    .catch(() => undefined)
    .finally(() => folder.close());
}

async function contentOf(
  file: Profile['files'][number],
  readStorage: ((key: string) => Promise<Buffer>) | undefined,
): Promise<Buffer> {
  if ('content' in file && typeof file.content === 'string') return Buffer.from(file.content, 'utf8');
  const key = (file as { storage: string }).storage;
  if (readStorage === undefined) {
    throw new Error(
      `files[].path ${JSON.stringify(file.path)}: its content is in storage (${key}) but no storage reader was given`,
    );
  }
  return readStorage(key);
}

/**
 * Writes the profile's `files[]` under `uiDir` (which must exist), in profile order, each one
 * atomically (temp file in the same folder, fsync, rename). Idempotent: a file that already holds
 * the content is not touched (`unchanged`). Missing folders are created.
 *
 * Paths are checked before anything is written: `checkRelativePath` first, then each existing
 * parent is resolved with realpath and must stay inside `realpath(uiDir)`, and the file itself
 * must not be a symlink (or a folder).
 *
 * @throws UnsafeFilePathError naming the path when it would leave the UI folder or write through a
 *   link; Error when a file needs storage and `readStorage` was not given (before any write), or
 *   when `readStorage` fails. Files before the failing one stay written (each one whole).
 */
export async function writeProfileFiles(
  profile: Profile,
  uiDir: string,
  readStorage?: (key: string) => Promise<Buffer>,
): Promise<FileWriteResult[]> {
  for (const file of profile.files) {
    const problem = checkRelativePath(file.path);
    if (problem !== null) throw new UnsafeFilePathError(file.path, problem);
    if (file.path.endsWith('/'))
      throw new UnsafeFilePathError(file.path, 'expected a file path, got a folder path');
    if (!('content' in file) && readStorage === undefined) await contentOf(file, readStorage);
  }
  const root = await realpath(uiDir);
  const results: FileWriteResult[] = [];
  for (const file of profile.files) {
    const data = await contentOf(file, readStorage);
    const parent = await safeParent(root, file.path);
    const target = join(parent, basename(file.path));
    const existing = await lstatOrNull(target);
    if (existing?.isSymbolicLink()) {
      throw new UnsafeFilePathError(file.path, 'is a symlink; PodPilot does not write through links');
    }
    if (existing !== null && !existing.isFile()) {
      throw new UnsafeFilePathError(file.path, 'exists and is not a regular file');
    }
    if (existing !== null && existing.size === data.length && (await readFile(target)).equals(data)) {
      results.push({ path: file.path, status: 'unchanged', bytes: data.length });
      continue;
    }
    await atomicWrite(target, data, existing === null ? 0o644 : existing.mode & 0o777);
    results.push({ path: file.path, status: 'written', bytes: data.length });
  }
  return results;
}
