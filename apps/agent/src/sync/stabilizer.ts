import { statSync } from 'node:fs';
import type { OpenWriterCheck } from './open-files.js';
import type { SeenFile } from './types.js';

export interface StabilizerOptions {
  /** A file is complete once its size and mtime have not changed for this long. */
  stableMs: number;
  now: () => number;
  /** Confirmed already, or queued already, with this very size and mtime: nothing to do. */
  settled(rel: string, size: number, mtimeMs: number): boolean;
  /** The file is complete: hand it to the uploader. */
  complete(file: SeenFile): void;
  /** A watch event named a folder (new, or moved in): scan it. */
  directory(abs: string, rel: string): void;
  /** Which candidates some process still holds open for writing (null: do not check). */
  openWriters: OpenWriterCheck | null;
  /** A file held open for writing longer than this is taken as it is (it is sent again if it changes). */
  maxOpenWaitMs: number;
  /** After each tick (files may have been handed over or dropped). */
  progress?(): void;
}

interface Tracked {
  abs: string;
  size: number;
  mtimeMs: number;
  /** When this size and mtime were first seen. */
  since: number;
  /** A watch event came: stat again before deciding. */
  dirty: boolean;
  /** First seen stable but open for writing. */
  openSince: number | null;
}

/**
 * Holds files from scans and watch events until they are complete: size and mtime unchanged for `stableMs`
 * (an mtime at least `stableMs` old proves it at once, so a rescan hands over old files without waiting),
 * and no process holding them open for writing (a video encoder may pause longer than `stableMs`).
 */
export class Stabilizer {
  private readonly tracked = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly tickMs: number;

  constructor(private readonly options: StabilizerOptions) {
    this.tickMs = Math.min(500, Math.max(20, Math.round(options.stableMs / 4)));
  }

  /** Files seen but not complete yet. */
  get size(): number {
    return this.tracked.size;
  }

  /** A scan saw this file with this stat. */
  seen(file: SeenFile): void {
    const t = this.tracked.get(file.rel);
    if (t && t.size === file.size && t.mtimeMs === file.mtimeMs) return;
    this.tracked.set(file.rel, {
      abs: file.abs,
      size: file.size,
      mtimeMs: file.mtimeMs,
      since: this.options.now(),
      dirty: false,
      openSince: null,
    });
    this.schedule(0);
  }

  /** A watch event, or the uploader found the file changed under it: look again at the next tick. */
  touched(rel: string, abs: string): void {
    const t = this.tracked.get(rel);
    if (t) t.dirty = true;
    else
      this.tracked.set(rel, {
        abs,
        size: -1,
        mtimeMs: -1,
        since: this.options.now(),
        dirty: true,
        openSince: null,
      });
    this.schedule(this.tickMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Decides on every tracked file now (also run by the timer while anything is tracked). */
  tick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    const { stableMs, settled, openWriters, maxOpenWaitMs } = this.options;
    const now = this.options.now();
    const stable = (t: Tracked) => t.mtimeMs <= now - stableMs || now - t.since >= stableMs;
    const ready: [string, Tracked][] = [];
    for (const [rel, t] of this.tracked) {
      if (t.dirty || !stable(t)) {
        let st: ReturnType<typeof statSync>;
        try {
          st = statSync(t.abs, { throwIfNoEntry: false });
        } catch {
          st = undefined;
        }
        if (st?.isDirectory()) this.options.directory(t.abs, rel);
        if (!st?.isFile()) {
          this.tracked.delete(rel);
          continue;
        }
        t.dirty = false;
        if (st.size !== t.size || st.mtimeMs !== t.mtimeMs) {
          t.size = st.size;
          t.mtimeMs = st.mtimeMs;
          t.since = now;
          t.openSince = null;
        }
      }
      if (settled(rel, t.size, t.mtimeMs)) this.tracked.delete(rel);
      else if (stable(t)) ready.push([rel, t]);
    }
    const open = ready.length && openWriters ? openWriters(ready.map(([, t]) => t.abs)) : null;
    for (const [rel, t] of ready) {
      if (open?.has(t.abs)) {
        t.openSince ??= now;
        if (now - t.openSince < maxOpenWaitMs) continue;
      }
      this.tracked.delete(rel);
      this.options.complete({ rel, abs: t.abs, size: t.size, mtimeMs: t.mtimeMs });
    }
    if (this.tracked.size) this.schedule(this.tickMs);
    this.options.progress?.();
  }

  private schedule(ms: number): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref();
  }
}
