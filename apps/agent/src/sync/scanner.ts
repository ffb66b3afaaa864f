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
  let slice = performance.now();
  for (let folder = stack.pop(); folder; folder = stack.pop()) {
    if (performance.now() - slice > SLICE_MS) {
      await nextTurn();
      slice = performance.now();
    }
    let entries: Dirent[];
    try {
      const dir = statSync(folder.abs, { throwIfNoEntry: false });
      if (!dir?.isDirectory()) continue;
      // Watched before it is listed: a file made in between is reported by the one or the other.
      visitor.dir?.(folder.abs, folder.rel, dir.ino);
      entries = readdirSync(folder.abs, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR')
        visitor.skipped(folder.rel || '.', `its folder cannot be read (${code ?? String(error)})`);
      continue;
    }
    result.dirs++;
    const subdirs: Folder[] = [];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as Dirent;
      const name = entry.name;
      if (isIgnoredName(name)) continue;
      const isDir = entry.isDirectory();
      const isLink = !isDir && entry.isSymbolicLink();
      if (!isDir && !isLink && !entry.isFile()) continue;
      const child = childPath(folder.rel, name);
      if ('error' in child) {
        visitor.skipped(folder.rel ? `${folder.rel}/${name}` : name, child.error);
        continue;
      }
      const abs = `${folder.abs}${sep}${name}`;
      if (isDir) {
        subdirs.push({ abs, rel: child.rel });
        continue;
      }
      if ((i & 255) === 255 && performance.now() - slice > SLICE_MS) {
        await nextTurn();
        slice = performance.now();
      }
      let stats: Stats | undefined;
      try {
        stats = statSync(abs, { throwIfNoEntry: false });
      } catch (error) {
        if (!isLink)
          visitor.skipped(child.rel, `it cannot be read (${(error as NodeJS.ErrnoException).code})`);
        continue;
      }
      if (!stats) {
        // Gone since the listing, a dangling link, or a name readdir could not decode.
        if (name.includes('\uFFFD')) visitor.skipped(child.rel, 'its name is not valid UTF-8');
        continue;
      }
      if (!stats.isFile()) continue;
      result.files++;
      visitor.file(child.rel, abs, stats);
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as Folder);
  }
  return result;
}
