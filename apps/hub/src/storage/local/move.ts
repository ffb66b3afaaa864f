import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StorageKeyError, StorageNotFoundError } from '../errors.js';
import {
  isCode,
  isMissing,
  md5File,
  quoteEtag,
  readSidecar,
  type Sidecar,
  writeFileAtomic,
} from './files.js';

/** The folders of a local store a move touches. */
export interface LocalFolders {
  objects: string;
  meta: string;
  tmp: string;
}

/**
 * `ObjectStorage.move` on the local store: one `rename` of the data file (atomic, keeps its inode and time),
 * with the sidecar written for the destination first. A write to `from` racing the move either lands before
 * the rename (and is moved: the sidecar is then recomputed from the moved file) or after it (a new object at
 * `from`); `to` never gets bytes after the move returned.
 */
export async function moveLocal(
  dirs: LocalFolders,
  from: string,
  to: string,
  contentType: string | undefined,
): Promise<{ etag: string }> {
  const source = join(dirs.objects, from);
  const target = join(dirs.objects, to);
  let before: Sidecar;
  try {
    const stats = await stat(source);
    if (!stats.isFile()) throw new StorageNotFoundError(from);
    before = await readSidecar(source, stats, join(dirs.meta, from), dirs.tmp);
  } catch (error) {
    if (isMissing(error) || isCode(error, 'EISDIR')) throw new StorageNotFoundError(from);
    throw error;
  }
  const type = contentType ?? before.contentType;
  const meta = { ...before, ...(type ? { contentType: type } : {}) };
  await writeFileAtomic(join(dirs.meta, to), JSON.stringify(meta), dirs.tmp);
  try {
    await mkdir(dirname(target), { recursive: true });
    await rename(source, target);
  } catch (error) {
    if (isMissing(error) && !(await exists(source))) throw new StorageNotFoundError(from);
    if (isCode(error, 'ENOTDIR', 'EEXIST', 'EISDIR'))
      throw new StorageKeyError(
        to,
        'a key that is neither inside another key nor a prefix-folder of other keys',
      );
    throw error;
  }
  await unlink(join(dirs.meta, from)).catch(() => {});
  const moved = await stat(target);
  if (moved.ino === meta.ino && moved.size === meta.size && moved.mtimeMs === meta.mtimeMs)
    return { etag: meta.etag };
  // Another write replaced the source between its stat and the rename: describe what was moved.
  const etag = quoteEtag((await md5File(target)).toString('hex'));
  const fresh: Sidecar = {
    etag,
    ...(type ? { contentType: type } : {}),
    size: moved.size,
    ino: moved.ino,
    mtimeMs: moved.mtimeMs,
  };
  await writeFileAtomic(join(dirs.meta, to), JSON.stringify(fresh), dirs.tmp);
  return { etag };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
