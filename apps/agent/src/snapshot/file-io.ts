import { createHash } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { skippedName } from './paths.js';

export async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

export async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => null)) !== null;
}

/** Regular files under `dir` (relative to `root`), following file symlinks but not folder symlinks. */
export async function walk(
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

export async function hashFile(
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
export function asText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}
