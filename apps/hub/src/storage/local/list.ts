import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ListedObject } from '../storage.js';
import { isMissing } from './files.js';

/** S3 orders keys by their UTF-8 bytes, not by JavaScript's UTF-16 code units. */
const compare = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Up to `limit` keys under `root` (a folder tree where each file's relative path is its key) that start
 * with `prefix` and sort after `after`, in S3 order. Walks only the folders that can hold such keys and
 * sorts each folder with a folder's name followed by "/", which makes a depth-first walk come out in key
 * order (`a-b` < `a/c` because "-" < "/"). Symlinks and other special files are skipped.
 */
export async function listTree(
  root: string,
  prefix: string,
  limit: number,
  after: string | undefined,
): Promise<ListedObject[]> {
  const found: ListedObject[] = [];
  const start = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  await walk(join(root, start), start);
  return found;

  async function walk(dir: string, keyPrefix: string): Promise<boolean> {
    let entries: { name: string; isDir: boolean; sortKey: string }[];
    try {
      entries = (await readdir(dir, { withFileTypes: true }))
        .filter((e) => e.isFile() || e.isDirectory())
        .map((e) => ({
          name: e.name,
          isDir: e.isDirectory(),
          sortKey: `${keyPrefix}${e.name}${e.isDirectory() ? '/' : ''}`,
        }))
        .sort((a, b) => compare(a.sortKey, b.sortKey));
    } catch (error) {
      if (isMissing(error)) return true;
      throw error;
    }
    for (const entry of entries) {
      const key = entry.sortKey;
      const path = join(dir, entry.name);
      if (entry.isDir) {
        // Descend only where keys can both match the prefix and come after `after`.
        if (!key.startsWith(prefix) && !prefix.startsWith(key)) continue;
        if (after !== undefined && compare(key, after) < 0 && !after.startsWith(key)) continue;
        if (!(await walk(path, key))) return false;
        continue;
      }
      if (!key.startsWith(prefix) || (after !== undefined && compare(key, after) <= 0)) continue;
      const stats = await lstat(path).catch((error: unknown) => {
        if (isMissing(error)) return null; // deleted while we walked
        throw error;
      });
      if (!stats?.isFile()) continue;
      found.push({ key, size: stats.size, lastModified: stats.mtime });
      if (found.length >= limit) return false;
    }
    return true;
  }
}
