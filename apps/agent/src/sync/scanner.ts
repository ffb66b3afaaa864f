import { type Dirent, readdirSync, type Stats, statSync } from 'node:fs';
import { sep } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { childPath, type Folder, isIgnoredName } from './paths.js';

export interface ScanVisitor {
  /** A regular file (or a symlink to one) with a representable path. */
  file(rel: string, abs: string, stats: Stats): void;
  /** A folder walked (the output folders themselves included), with its inode (a folder made anew differs). */
  dir?(abs: string, rel: string, ino: number): void;
  /** A file the hub cannot be told about (its name), or a folder that could not be read. */
  skipped(rel: string, reason: string): void;
}

export interface ScanResult {
  files: number;
  dirs: number;
}

/** The longest the scan holds the event loop before letting uploads and timers run. */
const SLICE_MS = 4;

/** Lets uploads and timers run once the scan has held the event loop for a slice. */
class Pause {
  private start = performance.now();
  due(): boolean {
    return performance.now() - this.start > SLICE_MS;
  }
  async yield(): Promise<void> {
    await nextTurn();
    this.start = performance.now();
  }
}

/**
 * Walks the output folders and reports each file with its stat: readdir with file types, then one stat per
 * file, nothing read, nothing hashed. Synchronous calls in slices of a few milliseconds: on Linux a
 * statSync costs ~2 µs where the thread-pool round trip of an async stat costs ~10 (10,000 files: ~20 ms
 * instead of ~130). Dot-folders and temp files are skipped; symlinked folders are not followed (no cycles);
 * a folder that does not exist (yet) is empty.
 */
export async function scanFolders(folders: Folder[], visitor: ScanVisitor): Promise<ScanResult> {
  const result: ScanResult = { files: 0, dirs: 0 };
  const stack: Folder[] = [...folders].reverse();
  const pause = new Pause();
  for (let folder = stack.pop(); folder; folder = stack.pop()) {
    if (pause.due()) await pause.yield();
    const entries = listFolder(folder, visitor);
    if (!entries) continue;
    result.dirs++;
    const subdirs: Folder[] = [];
    for (let i = 0; i < entries.length; i++) {
      if ((i & 255) === 255 && pause.due()) await pause.yield();
      const found = visitEntry(folder, entries[i] as Dirent, visitor);
      if (found === 'file') result.files++;
      else if (found) subdirs.push(found);
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as Folder);
  }
  return result;
}

/** The folder's entries (after reporting it to `visitor.dir`); null when it is gone, not a folder or unreadable. */
function listFolder(folder: Folder, visitor: ScanVisitor): Dirent[] | null {
  try {
    const dir = statSync(folder.abs, { throwIfNoEntry: false });
    if (!dir?.isDirectory()) return null;
    // Watched before it is listed: a file made in between is reported by the one or the other.
    visitor.dir?.(folder.abs, folder.rel, dir.ino);
    return readdirSync(folder.abs, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR')
      visitor.skipped(folder.rel || '.', `its folder cannot be read (${code ?? String(error)})`);
    return null;
  }
}

/** One entry: a sub-folder to walk, `file` once reported to `visitor.file`, or null (skipped, ignored). */
function visitEntry(folder: Folder, entry: Dirent, visitor: ScanVisitor): Folder | 'file' | null {
  const name = entry.name;
  if (isIgnoredName(name)) return null;
  const isDir = entry.isDirectory();
  const isLink = !isDir && entry.isSymbolicLink();
  if (!isDir && !isLink && !entry.isFile()) return null;
  const child = childPath(folder.rel, name);
  if ('error' in child) {
    visitor.skipped(folder.rel ? `${folder.rel}/${name}` : name, child.error);
    return null;
  }
  const abs = `${folder.abs}${sep}${name}`;
  if (isDir) return { abs, rel: child.rel };
  const stats = statEntry(abs, child.rel, name, isLink, visitor);
  if (!stats?.isFile()) return null;
  visitor.file(child.rel, abs, stats);
  return 'file';
}

/** A file's (or a link's target's) stat; null when it is gone, dangling or unreadable. */
function statEntry(
  abs: string,
  rel: string,
  name: string,
  isLink: boolean,
  visitor: ScanVisitor,
): Stats | null {
  let stats: Stats | undefined;
  try {
    stats = statSync(abs, { throwIfNoEntry: false });
  } catch (error) {
    if (!isLink) visitor.skipped(rel, `it cannot be read (${(error as NodeJS.ErrnoException).code})`);
    return null;
  }
  // Gone since the listing, a dangling link, or a name readdir could not decode.
  if (!stats && name.includes('\uFFFD')) visitor.skipped(rel, 'its name is not valid UTF-8');
  return stats ?? null;
}
