import { resolve, sep } from 'node:path';
import { cutToCodeUnits, type SyncStatus } from '@podpilot/common';
import { type OpenWriterCheck, openForWriting } from './open-files.js';
import { childPath, type Folder, isIgnoredName, resolveFolders, shown } from './paths.js';
import { type ScanResult, type ScanVisitor, scanFolders } from './scanner.js';
import { Stabilizer } from './stabilizer.js';
import { SyncJournal } from './sync-journal.js';
import { errorText, type OutputHub } from './types.js';
import { Uploader } from './uploader.js';
import { DirWatcher } from './watcher.js';

export interface OutputSyncOptions {
  /** The UI folder: paths sent to the hub are relative to it (`output/2026/x.png`). */
  root: string;
  /** The profile's `outputs`, relative to `root` (`['output/']`). */
  folders: string[];
  /** The journal of confirmed files; keep it outside the output folders (or give it a dot-name). */
  journalPath: string;
  hub: OutputHub;
  /** Uploads in flight at once (default 8). */
  parallel?: number;
  /** A file is complete once its size and mtime held still this long (default 2000 ms). */
  stableMs?: number;
  /** Full rescan period, the safety net under the folder watches (default 60 s). */
  rescanMs?: number;
  /** Clock (ms since the epoch, the clock file mtimes are stamped with). */
  now?: () => number;
  /** Backoff of retries: first wait ~`retryBaseMs` (default 1 s), at most `retryMaxMs` (default 60 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Watch the folders for changes (default true); without, files are found by the rescans only. */
  watch?: boolean;
  /** Who still writes a file (default: /proc on Linux); null to rely on stability alone. */
  openWriters?: OpenWriterCheck | null;
  /** A file held open for writing longer than this is sent as it is (default 10 min). */
  maxOpenWaitMs?: number;
  /** Every problem as it happens (the status keeps only the last one). */
  onError?: (message: string) => void;
  /** A file was found complete and queued for upload (new work of the WebUI: idle stopping counts it). */
  onComplete?: (rel: string) => void;
}

/** `syncNow` ran out of time; `status` says what is left. */
export class SyncTimeoutError extends Error {
  override name = 'SyncTimeoutError';
  constructor(readonly status: SyncStatus) {
    super(`output sync: ${status.backlogFiles} files still unconfirmed`);
  }
}

interface Parts {
  journal: SyncJournal;
  uploader: Uploader;
  stabilizer: Stabilizer;
  watcher: DirWatcher | null;
}

/**
 * Keeps the output folders synced to the hub: watches them and rescans them, waits for each file to be
 * complete, uploads it, and records it in the journal once the hub confirmed it. See README.md.
 */
export class OutputSync {
  private readonly folders: Folder[];
  private readonly now: () => number;
  private readonly journalAbs: string;
  private parts: Parts | null = null;
  private skipped = new Map<string, string>();
  private readonly reported = new Set<string>();
  private readonly watchErrors = new Set<string>();
  private lastError: string | null = null;
  private synced = { files: 0, bytes: 0, at: null as number | null };
  private readonly waiters = new Set<() => void>();
  private scanChain: Promise<unknown> = Promise.resolve();
  private queuedScan: Promise<ScanResult> | null = null;
  private scanning = 0;
  private rescanTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: OutputSyncOptions) {
    this.folders = resolveFolders(options.root, options.folders);
    this.now = options.now ?? Date.now;
    this.journalAbs = resolve(options.journalPath);
  }

  /** Loads the journal, makes the first full scan (files already confirmed are not read again), then watches. */
  async start(): Promise<void> {
    if (this.parts) return;
    const o = this.options;
    const journal = await SyncJournal.open(o.journalPath);
    const settled = (rel: string, size: number, mtimeMs: number) =>
      journal.matches(rel, size, mtimeMs) || uploader.has(rel, size, mtimeMs);
    const uploader: Uploader = new Uploader({
      hub: o.hub,
      journal,
      parallel: o.parallel ?? 8,
      now: this.now,
      retryBaseMs: o.retryBaseMs ?? 1000,
      retryMaxMs: o.retryMaxMs ?? 60_000,
      changed: (rel, abs) => stabilizer.touched(rel, abs),
      synced: (entry) => {
        this.synced.files++;
        this.synced.bytes += entry.size;
        this.synced.at = this.now();
      },
      error: (message) => this.error(message),
      progress: () => this.notify(),
    });
    const stabilizer: Stabilizer = new Stabilizer({
      stableMs: o.stableMs ?? 2000,
      now: this.now,
      settled,
      complete: (file) => {
        o.onComplete?.(file.rel);
        uploader.enqueue(file);
      },
      directory: (abs, rel) => void this.scan([{ abs, rel }], false).catch(() => {}),
      openWriters: o.openWriters === undefined ? openForWriting : o.openWriters,
      maxOpenWaitMs: o.maxOpenWaitMs ?? 600_000,
      progress: () => this.notify(),
    });
    const watcher =
      o.watch === false
        ? null
        : new DirWatcher({
            onEntry: (dirAbs, dirRel, name) => {
              if (name === null) return void this.scan([{ abs: dirAbs, rel: dirRel }], false).catch(() => {});
              const child = isIgnoredName(name) ? null : childPath(dirRel, name);
              const abs = `${dirAbs}${sep}${name}`;
              if (child && 'rel' in child && abs !== this.journalAbs) stabilizer.touched(child.rel, abs);
            },
            onError: (dirAbs, error) => {
              // Once per kind (no inotify watches left would otherwise repeat for every folder, every scan).
              const kind = (error as NodeJS.ErrnoException).code ?? error.message;
              if (this.watchErrors.has(kind)) return;
              this.watchErrors.add(kind);
              o.onError?.(`watching ${dirAbs}: ${errorText(error)} (the rescans still find its files)`);
            },
          });
    this.parts = { journal, uploader, stabilizer, watcher };
    await this.rescan();
    this.armRescan();
  }

  status(): SyncStatus {
    return {
      backlogFiles: this.parts?.uploader.backlogFiles ?? 0,
      backlogBytes: this.parts?.uploader.backlogBytes ?? 0,
      syncedFiles: this.synced.files,
      syncedBytes: this.synced.bytes,
      lastSyncAt: this.synced.at === null ? null : new Date(this.synced.at).toISOString(),
      lastError: this.lastError === null ? null : cutToCodeUnits(this.lastError, 2000),
    };
  }

  /**
   * Rescans now, retries failed files at once, and resolves when every file found is confirmed (files still
   * being written are waited for). Rejects with SyncTimeoutError after `timeoutMs`, or when `signal` aborts.
   */
  async syncNow(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<SyncStatus> {
    const parts = this.requireStarted();
    const { signal, timeoutMs } = options;
    signal?.throwIfAborted();
    return new Promise<SyncStatus>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      let scanned = false;
      const finish = (error: unknown) => {
        this.waiters.delete(check);
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(this.status());
      };
      const check = () => {
        if (this.stopped) finish(new Error('output sync stopped'));
        else if (scanned && this.idle()) finish(null);
      };
      const onAbort = () => finish(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined)
        timer = setTimeout(() => finish(new SyncTimeoutError(this.status())), timeoutMs);
      this.waiters.add(check);
      parts.uploader.retryNow();
      this.rescan().then(
        () => {
          scanned = true;
          parts.stabilizer.tick();
          check();
        },
        (error) => finish(error),
      );
    });
  }

  /** One full scan of the output folders (also run every `rescanMs`); concurrent calls share the next one. */
  rescan(): Promise<ScanResult> {
    this.requireStarted();
    if (this.queuedScan) return this.queuedScan;
    const next = this.scanChain.then(() => {
      this.queuedScan = null;
      return this.scan(this.folders, true);
    });
    this.queuedScan = next;
    this.scanChain = next.catch(() => {});
    return next;
  }

  /** Stops watching and uploading. State is kept where it matters: unconfirmed files are sent after a restart. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    const parts = this.parts;
    if (!parts) return;
    parts.watcher?.close();
    parts.stabilizer.stop();
    await this.scanChain;
    await parts.uploader.stop();
    await parts.journal.close();
    this.notify();
  }

  private requireStarted(): Parts {
    if (!this.parts) throw new Error('output sync: start() first');
    return this.parts;
  }

  private idle(): boolean {
    const parts = this.requireStarted();
    return !this.scanning && parts.stabilizer.size === 0 && parts.uploader.backlogFiles === 0;
  }

  private async scan(folders: Folder[], full: boolean): Promise<ScanResult> {
    const { journal, uploader, stabilizer, watcher } = this.requireStarted();
    if (this.stopped) return { files: 0, dirs: 0 };
    const skipped = new Map<string, string>();
    const dirs = new Set<string>();
    const visitor: ScanVisitor = {
      file: (rel, abs, st) => {
        if (journal.matches(rel, st.size, st.mtimeMs) || uploader.has(rel, st.size, st.mtimeMs)) return;
        if (abs === this.journalAbs) return;
        stabilizer.seen({ rel, abs, size: st.size, mtimeMs: st.mtimeMs });
      },
      dir: (abs, rel, ino) => {
        dirs.add(abs);
        watcher?.add(abs, rel, ino);
      },
      skipped: (rel, reason) => skipped.set(rel, reason),
    };
    this.scanning++;
    try {
      const result = await scanFolders(folders, visitor);
      if (full) {
        watcher?.retain(dirs);
        this.skipped = skipped;
      } else for (const [rel, reason] of skipped) this.skipped.set(rel, reason);
      for (const [rel, reason] of skipped)
        if (!this.reported.has(rel)) {
          this.reported.add(rel);
          this.error(`${shown(rel)} is not synced: ${reason}`);
        }
      return result;
    } catch (error) {
      this.error(`scanning the output folders: ${errorText(error)}`);
      throw error;
    } finally {
      this.scanning--;
      this.notify();
    }
  }

  private armRescan(): void {
    if (this.stopped) return;
    this.rescanTimer = setTimeout(() => {
      this.rescan()
        .catch(() => {})
        .finally(() => this.armRescan());
    }, this.options.rescanMs ?? 60_000);
    this.rescanTimer.unref();
  }

  private error(message: string): void {
    this.lastError = message;
    this.options.onError?.(message);
  }

  /** After any progress: an empty backlog clears past errors (not the files that cannot be synced). */
  private notify(): void {
    const parts = this.parts;
    if (parts && parts.uploader.backlogFiles === 0 && parts.stabilizer.size === 0 && !this.scanning) {
      const [first] = this.skipped;
      this.lastError = first
        ? `${this.skipped.size} file(s) cannot be synced, e.g. ${shown(first[0])}: ${first[1]}`
        : null;
    }
    for (const waiter of [...this.waiters]) waiter();
  }
}
