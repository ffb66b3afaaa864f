import type { ConfirmOutputsRequest } from '@podpilot/common';
import type { Backlog, Entry, Gate } from './backlog.js';
import type { JournalEntry, SyncJournal } from './sync-journal.js';
import { errorText, isRefusal, type OutputHub } from './types.js';

export type ConfirmFile = ConfirmOutputsRequest['files'][number];

/** Bytes in storage awaiting the hub's confirmation, as they were read (the entry may have moved on since). */
export interface ConfirmItem {
  entry: Entry;
  gen: number;
  file: ConfirmFile;
  mtimeMs: number;
}

/** A file the hub holds: the entry (and its generation) and the journal line to write. */
export type Done = [Entry, number, JournalEntry];

export interface ConfirmerOptions {
  hub: OutputHub;
  journal: SyncJournal;
  backlog: Backlog;
  hubGate: Gate;
  synced(entry: JournalEntry): void;
  error(message: string): void;
  stopped(): boolean;
}

const BATCH = 200;

/**
 * The commit point, and the only writer of the journal: sends confirmations in batches of ≤ 200 (one call in
 * flight; what arrives meanwhile goes in the next, so batches grow with the load), then journals what the
 * hub confirmed. A hub outage keeps the items queued (the bytes are in storage; confirm is idempotent per
 * key); a refusal, or a file the hub did not confirm, sends that file again from presign, alone.
 */
export class Confirmer {
  private queue: ConfirmItem[] = [];
  private busy = false;

  constructor(private readonly o: ConfirmerOptions) {}

  /** Items waiting (not counting a batch in flight). */
  get waiting(): number {
    return this.queue.length;
  }

  get running(): boolean {
    return this.busy;
  }

  push(item: ConfirmItem): void {
    this.queue.push(item);
    if (this.o.backlog.current(item.entry, item.gen)) item.entry.where = 'confirming';
  }

  /** Sends the next batch (call when none is running and the hub gate is open). */
  async run(): Promise<void> {
    const paths = new Set<string>();
    const items: ConfirmItem[] = [];
    const rest: ConfirmItem[] = [];
    for (const item of this.queue) {
      // Two versions of one path never share a batch (the answer is keyed by path).
      const take = items.length < BATCH && !paths.has(item.file.path) && (!item.entry.alone || !items.length);
      (take ? items : rest).push(item);
      if (take) paths.add(item.file.path);
    }
    this.queue = rest;
    this.busy = true;
    try {
      const answer = await this.o.hub.confirmOutputs(items.map((i) => i.file));
      this.o.hubGate.succeeded();
      const versions = new Map(answer.confirmed.map((c) => [c.path, c.version]));
      const done: Done[] = [];
      for (const { entry, gen, file, mtimeMs } of items) {
        const version = versions.get(file.path);
        const { path, sizeBytes: size, sha256 } = file;
        if (version !== undefined) done.push([entry, gen, { path, size, mtimeMs, sha256, version }]);
        else this.again(entry, gen, `hub did not confirm ${file.path}`);
      }
      await this.commit(done);
    } catch (error) {
      if (!isRefusal(error)) {
        this.queue.unshift(...items);
        this.o.hubGate.failed();
        return this.o.error(`hub unavailable: ${errorText(error)}`);
      }
      for (const { entry, gen } of items) {
        if (items.length > 1) entry.alone = true;
        this.again(entry, gen, `hub refused to confirm ${entry.rel}: ${errorText(error)}`);
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * Files the hub holds (confirmed now, or `indexed` at presign): journal first — in memory at once, on disk
   * before this resolves — then out of the backlog. A failed disk write is reported, not retried: the hub
   * has the file, and a later restart asks again and gets `indexed`.
   */
  async commit(done: Done[]): Promise<void> {
    if (!done.length) return;
    const write = this.o.journal.record(done.map(([, , line]) => line));
    for (const [entry, gen, line] of done) {
      if (this.o.backlog.current(entry, gen)) this.o.backlog.remove(entry);
      this.o.synced(line);
    }
    await write.catch((error) => this.o.error(`writing the sync journal: ${errorText(error)}`));
  }

  private again(entry: Entry, gen: number, message: string): void {
    if (!this.o.backlog.current(entry, gen) || this.o.stopped()) return;
    entry.plan = null;
    this.o.backlog.delay(entry, 'presign');
    this.o.error(message);
  }
}
