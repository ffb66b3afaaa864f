import { type FileHandle, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What the hub confirmed about one path: the file as it was on disk when it was read and sent. */
export interface JournalRecord {
  size: number;
  mtimeMs: number;
  sha256: string;
  version: number;
}

export interface JournalEntry extends JournalRecord {
  path: string;
}

export interface SyncJournalOptions {
  /** Rewrite the file when it holds more than this many lines and over twice as many as live paths. */
  compactAfterLines?: number;
}

interface Line {
  p: string;
  s: number;
  m: number;
  h: string;
  v: number;
}

const SHA256 = /^[0-9a-f]{64}$/;

function parseLine(text: string): JournalEntry | null {
  try {
    const l = JSON.parse(text) as Line;
    if (
      typeof l.p !== 'string' ||
      !Number.isSafeInteger(l.s) ||
      typeof l.m !== 'number' ||
      !SHA256.test(l.h) ||
      !Number.isSafeInteger(l.v)
    )
      return null;
    return { path: l.p, size: l.s, mtimeMs: l.m, sha256: l.h, version: l.v };
  } catch {
    return null;
  }
}

const lineOf = (e: JournalEntry): string =>
  `${JSON.stringify({ p: e.path, s: e.size, m: e.mtimeMs, h: e.sha256, v: e.version } satisfies Line)}\n`;

/**
 * The on-disk record of files the hub confirmed: one JSON line per confirmation, appended (O_APPEND, then
 * fdatasync) only after the hub's answer, never before — so a file in the journal is in the hub's index, and
 * a file missing from it is sent again (the hub answers `indexed` when it already holds those bytes). The
 * last line for a path wins. A kill can at worst tear the last line: it is cut off at load and that one
 * confirmation is asked again. Compaction writes the live entries to a temp file and renames it over.
 */
export class SyncJournal {
  private readonly entries = new Map<string, JournalRecord>();
  private fh: FileHandle | null = null;
  private lines = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly compactAfter: number;

  private constructor(
    readonly path: string,
    options: SyncJournalOptions,
  ) {
    this.compactAfter = options.compactAfterLines ?? 10_000;
  }

  /** Loads the journal (creating it when missing), drops a torn last line, compacts it when it grew. */
  static async open(path: string, options: SyncJournalOptions = {}): Promise<SyncJournal> {
    const journal = new SyncJournal(path, options);
    await mkdir(dirname(path), { recursive: true });
    let bytes = Buffer.alloc(0);
    try {
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // "\n" never occurs inside a UTF-8 sequence: everything after the last one is a torn line.
    const end = bytes.lastIndexOf(0x0a) + 1;
    for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
      const entry = line ? parseLine(line) : null;
      if (!entry) continue;
      const { path: file, ...record } = entry;
      journal.entries.set(file, record);
      journal.lines++;
    }
    journal.fh = await open(path, 'a');
    // Cut the torn line, so the next record starts on a line of its own.
    if (end < bytes.length) await journal.fh.truncate(end);
    if (journal.needsCompaction()) await journal.compact();
    return journal;
  }

  get size(): number {
    return this.entries.size;
  }

  get(path: string): JournalRecord | undefined {
    return this.entries.get(path);
  }

  /** Was this path confirmed with exactly this size and mtime (so it need not even be read again)? */
  matches(path: string, size: number, mtimeMs: number): boolean {
    const e = this.entries.get(path);
    return e !== undefined && e.size === size && e.mtimeMs === mtimeMs;
  }

  /**
   * Records confirmed files: in memory at once (this process never sends them again, even if the disk write
   * fails), then appended and flushed to disk; resolves when durable, rejects when the write failed.
   */
  record(entries: JournalEntry[]): Promise<void> {
    if (!entries.length) return Promise.resolve();
    for (const e of entries)
      this.entries.set(e.path, { size: e.size, mtimeMs: e.mtimeMs, sha256: e.sha256, version: e.version });
    const text = entries.map(lineOf).join('');
    return this.serial(async () => {
      const fh = this.handle();
      await fh.write(text);
      await fh.datasync();
      this.lines += entries.length;
      if (this.needsCompaction()) await this.compact();
    });
  }

  /** Rewrites the file with one line per path (temp file, fsync, rename, fsync of the folder). */
  compactNow(): Promise<void> {
    return this.serial(() => this.compact());
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      await this.fh?.close();
      this.fh = null;
    });
  }

  private needsCompaction(): boolean {
    return this.lines > this.compactAfter && this.lines > 2 * this.entries.size;
  }

  private async compact(): Promise<void> {
    const temp = `${this.path}.${process.pid}.tmp`;
    const out = await open(temp, 'w');
    try {
      const all = [...this.entries].map(([path, r]) => lineOf({ path, ...r }));
      for (let i = 0; i < all.length; i += 1000) await out.write(all.slice(i, i + 1000).join(''));
      await out.datasync();
    } catch (error) {
      await out.close();
      await rm(temp, { force: true });
      throw error;
    }
    await out.close();
    await rename(temp, this.path);
    const dir = await open(dirname(this.path), 'r');
    await dir.sync().catch(() => {});
    await dir.close();
    await this.fh?.close();
    this.fh = await open(this.path, 'a');
    this.lines = this.entries.size;
  }

  private handle(): FileHandle {
    if (!this.fh) throw new Error(`sync journal ${this.path} is closed`);
    return this.fh;
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(step);
    this.chain = next.catch(() => {});
    return next;
  }
}
