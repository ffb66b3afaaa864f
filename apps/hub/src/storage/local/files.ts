import { createHash, randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { StorageArgumentError } from '../errors.js';

/**
 * What we keep next to a data file: its ETag and type, plus the identity of the data file it describes.
 * Data and sidecar are two renames, so a crash or a concurrent writer can leave a sidecar that belongs to
 * another version of the file; `ino`/`size`/`mtimeMs` reveal that, and the ETag is then recomputed.
 */
export interface Sidecar {
  etag: string;
  contentType?: string;
  size: number;
  ino: number;
  mtimeMs: number;
}

/** A fully written, fsynced temp file waiting to be renamed into place. */
export interface TempFile {
  path: string;
  size: number;
  md5: Buffer;
  stats: Stats;
}

export const quoteEtag = (hex: string): string => `"${hex}"`;
export const unquoteEtag = (etag: string): string => etag.replace(/^W\//, '').replace(/"/g, '');

const isCode = (error: unknown, ...codes: string[]): boolean =>
  typeof error === 'object' && error !== null && codes.includes((error as NodeJS.ErrnoException).code ?? '');

/** True for "no such file" errors, including a path component that is a file (`ENOTDIR`). */
export const isMissing = (error: unknown): boolean => isCode(error, 'ENOENT', 'ENOTDIR');
export { isCode };

/** A fresh temp path in `dir` (same file system as the destination, so rename is atomic). */
export async function tempPath(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return join(dir, `${Date.now()}-${randomBytes(8).toString('hex')}.tmp`);
}

/**
 * Streams `source` into a new temp file in `dir`, hashing as it goes (bounded memory, any size), then
 * fsyncs it. With `expectedLength`, the body must be exactly that long; `maxLength` caps it either way.
 * The temp file is removed when anything fails; the source is left as is (not destroyed).
 * @throws StorageArgumentError when the body is longer than allowed or shorter than expected.
 */
export async function writeTemp(
  dir: string,
  source: Readable | Buffer,
  limits: { expectedLength?: number; maxLength: number; field: string },
): Promise<TempFile> {
  const path = await tempPath(dir);
  const handle = await open(path, 'wx', 0o644);
  const hash = createHash('md5');
  let size = 0;
  const max = limits.expectedLength ?? limits.maxLength;
  const expected = limits.expectedLength === undefined ? `at most ${max} bytes` : `exactly ${max} bytes`;
  try {
    // destroyOnReturn: false keeps an HTTP request alive on error, so the caller can still answer it.
    const chunks: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(source)
      ? [source]
      : source.iterator({ destroyOnReturn: false });
    for await (const chunk of chunks) {
      size += chunk.length;
      if (size > max) throw new StorageArgumentError(limits.field, expected, `more than ${max} bytes`);
      hash.update(chunk);
      await handle.write(chunk);
    }
    if (limits.expectedLength !== undefined && size !== limits.expectedLength)
      throw new StorageArgumentError(limits.field, expected, `${size} bytes`);
    await handle.sync();
    const stats = await handle.stat();
    await handle.close();
    return { path, size, md5: hash.digest(), stats };
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(path, { force: true });
    throw error;
  }
}

/** Writes a small file atomically (temp + rename), creating its folder. */
export async function writeFileAtomic(path: string, data: string, tmpDir: string): Promise<void> {
  const tmp = await tempPath(tmpDir);
  try {
    await writeFile(tmp, data, { flag: 'wx', mode: 0o644 });
    await mkdir(dirname(path), { recursive: true });
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Moves a temp file into place with its sidecar: sidecar first, then the data, so a reader never sees new
 * data described by nothing; a stale sidecar is detected by `readSidecar`.
 */
export async function commitWithSidecar(
  temp: TempFile,
  dataPath: string,
  sidecarPath: string,
  meta: { etag: string; contentType?: string },
  tmpDir: string,
): Promise<void> {
  const sidecar: Sidecar = { ...meta, size: temp.size, ino: temp.stats.ino, mtimeMs: temp.stats.mtimeMs };
  try {
    await writeFileAtomic(sidecarPath, JSON.stringify(sidecar), tmpDir);
    await mkdir(dirname(dataPath), { recursive: true });
    await rename(temp.path, dataPath);
  } finally {
    await rm(temp.path, { force: true });
  }
}

/** MD5 of a whole file, streamed. */
export async function md5File(path: string): Promise<Buffer> {
  const hash = createHash('md5');
  const handle = await open(path, 'r');
  try {
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
  } finally {
    await handle.close();
  }
  return hash.digest();
}

/**
 * The sidecar of a data file whose stats are `stats`. When the sidecar is missing or describes another
 * version of the file, the ETag is recomputed (plain MD5, type unknown) and the sidecar rewritten.
 */
export async function readSidecar(
  dataPath: string,
  stats: Stats,
  sidecarPath: string,
  tmpDir: string,
): Promise<Sidecar> {
  try {
    const meta = JSON.parse(await readFile(sidecarPath, 'utf8')) as Sidecar;
    if (meta.ino === stats.ino && meta.size === stats.size && meta.mtimeMs === stats.mtimeMs) return meta;
  } catch (error) {
    if (!isMissing(error) && !(error instanceof SyntaxError)) throw error;
  }
  const etag = quoteEtag((await md5File(dataPath)).toString('hex'));
  const fresh: Sidecar = { etag, size: stats.size, ino: stats.ino, mtimeMs: stats.mtimeMs };
  await writeFileAtomic(sidecarPath, JSON.stringify(fresh), tmpDir).catch(() => {});
  return fresh;
}
