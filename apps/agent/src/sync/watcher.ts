import { type FSWatcher, watch } from 'node:fs';

export interface DirWatcherEvents {
  /**
   * Something named `name` in the folder `dirAbs` (its OutputPath prefix `dirRel`) was created or changed;
   * `null` when the system did not say what (look at the whole folder).
   */
  onEntry(dirAbs: string, dirRel: string, name: string | null): void;
  /** A watch could not be set, or failed (dropped: the next scan sets it again). */
  onError(dirAbs: string, error: Error): void;
}

/**
 * One inotify watch per output folder (not per file: a folder's watch reports writes to the files in it),
 * kept in step with the folders each scan finds. Events are hints that something changed; the periodic
 * rescan is what guarantees no file is missed, so a watch that fails (no inotify watches left, a folder
 * removed) only delays discovery until the next rescan.
 */
export class DirWatcher {
  private readonly watches = new Map<string, { watcher: FSWatcher; ino: number }>();
  private closed = false;

  constructor(private readonly events: DirWatcherEvents) {}

  get count(): number {
    return this.watches.size;
  }

  has(dirAbs: string): boolean {
    return this.watches.has(dirAbs);
  }

  /**
   * Starts watching a folder (no-op when already watched; a folder removed and made anew, another inode, is
   * watched again). Returns false when the watch could not be set.
   */
  add(dirAbs: string, dirRel: string, ino: number): boolean {
    if (this.closed) return false;
    const known = this.watches.get(dirAbs);
    if (known?.ino === ino) return true;
    if (known) this.drop(dirAbs);
    let watcher: FSWatcher;
    try {
      watcher = watch(dirAbs, { persistent: false }, (_type, name) =>
        this.events.onEntry(dirAbs, dirRel, name ? name.toString() : null),
      );
    } catch (error) {
      this.events.onError(dirAbs, error as Error);
      return false;
    }
    watcher.on('error', (error) => {
      if (this.watches.get(dirAbs)?.watcher === watcher) this.drop(dirAbs);
      else watcher.close();
      this.events.onError(dirAbs, error);
    });
    this.watches.set(dirAbs, { watcher, ino });
    return true;
  }

  /** Keeps exactly these folders watched (after a full scan): closes watches of folders gone. */
  retain(dirs: Set<string>): void {
    for (const dir of [...this.watches.keys()]) if (!dirs.has(dir)) this.drop(dir);
  }

  close(): void {
    this.closed = true;
    for (const dir of [...this.watches.keys()]) this.drop(dir);
  }

  private drop(dirAbs: string): void {
    const known = this.watches.get(dirAbs);
    if (!known) return;
    this.watches.delete(dirAbs);
    known.watcher.close();
  }
}
