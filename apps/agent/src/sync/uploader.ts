import type { OutputFile } from '@podpilot/common';
import { PartUploader } from '@podpilot/common/node';
import { Backlog, type Entry, Gate, type Plan, type Stage } from './backlog.js';
import { Confirmer, type Done } from './confirmer.js';
import { assertUnchanged, hashFile, isFileChange } from './file-io.js';
import { storeFile } from './store-file.js';
import type { JournalEntry, SyncJournal } from './sync-journal.js';
import { errorText, isRefusal, type OutputHub, type SeenFile } from './types.js';

export interface UploaderOptions {
  hub: OutputHub;
  journal: SyncJournal;
  /** Uploads in flight at once. */
  parallel: number;
  now: () => number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** The file is not what was seen complete any more (or it is gone): watch it again. */
  changed(rel: string, abs: string): void;
  /** The hub confirmed this file (journal written). */
  synced(entry: JournalEntry): void;
  error(message: string): void;
  /** Something moved: waiters re-check. */
  progress(): void;
}

const BATCH = 200;
const HASHERS = 2;
const MULTIPARTS = 2;

const outputFile = (e: Entry): OutputFile => ({
  path: e.rel,
  sizeBytes: e.size,
  sha256: e.sha256 as string,
  mtime: new Date(e.mtimeMs).toISOString(),
});

/**
 * Takes complete files through hash → presign (batches of ≤ 200) → upload (`parallel` in flight) → confirm
 * (batches, sent whenever the previous confirmation returned) → journal. A file whose size or mtime moved
 * since it was hashed is never confirmed: it goes back to the stabilizer. Failures never throw: the hub
 * being away closes a hub gate, storage being away a storage gate (both reopen after backoff with jitter;
 * uploaded-but-unconfirmed files keep their place); a refusal backs off that one file.
 */
export class Uploader {
  private readonly backlog: Backlog;
  private readonly confirmer: Confirmer;
  private readonly active = new Set<Promise<void>>();
  private readonly putter: PartUploader;
  private readonly abort = new AbortController();
  private hashing = 0;
  private uploading = 0;
  private multiparts = 0;
  private presigning = false;
  private readonly hubGate: Gate;
  private readonly storageGate: Gate;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private kicked = false;

  constructor(private readonly o: UploaderOptions) {
    this.putter = new PartUploader(o.parallel, undefined, o.hub.storageRoute?.() ?? null);
    this.backlog = new Backlog(o);
    this.hubGate = new Gate(o);
    this.storageGate = new Gate(o);
    this.confirmer = new Confirmer({
      ...o,
      backlog: this.backlog,
      hubGate: this.hubGate,
      stopped: () => this.stopped,
    });
  }

  get backlogFiles(): number {
    return this.backlog.files;
  }

  get backlogBytes(): number {
    return this.backlog.bytes;
  }

  /** In the backlog with this very size and mtime? */
  has(rel: string, size: number, mtimeMs: number): boolean {
    return this.backlog.has(rel, size, mtimeMs);
  }

  /** A complete file to send (a newer stat of a path already queued replaces the older one). */
  enqueue(file: SeenFile): void {
    if (this.stopped) return;
    this.backlog.add(file);
    this.kick();
  }

  /** Retries everything now (syncNow): per-file backoffs and the hub and storage gates are lifted. */
  retryNow(): void {
    this.hubGate.lift();
    this.storageGate.lift();
    this.backlog.releaseAll();
    this.kick();
  }

  /** Stops: uploads in flight are aborted (their files stay unconfirmed, so they are sent after a restart). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort(new Error('output sync stopped'));
    if (this.timer) clearTimeout(this.timer);
    while (this.active.size) await Promise.allSettled([...this.active]);
    this.putter.close();
  }

  /** A failure of this file alone: back off this file only. */
  private delay(e: Entry, stage: Stage, message: string): void {
    this.backlog.delay(e, stage);
    this.o.error(message);
  }

  /** The file moved under us: out of the backlog, back to the stabilizer. */
  private dropChanged(e: Entry): void {
    this.backlog.remove(e);
    this.o.changed(e.rel, e.abs);
  }

  private gateFailed(which: 'hub' | 'storage', message: string): void {
    (which === 'hub' ? this.hubGate : this.storageGate).failed();
    this.o.error(`${which} unavailable: ${message}`);
  }

  /** Runs the pump once after the current synchronous work (many kicks, one pump). */
  private kick(): void {
    if (this.stopped || this.kicked) return;
    this.kicked = true;
    queueMicrotask(() => {
      this.kicked = false;
      this.pump();
    });
  }

  private run(task: Promise<void>): void {
    const p = task
      .catch((error) => this.o.error(`output sync: ${errorText(error)}`))
      .finally(() => {
        this.active.delete(p);
        this.o.progress();
        this.kick();
      });
    this.active.add(p);
  }

  private pump(): void {
    if (this.stopped) return;
    const now = this.o.now();
    const { stages } = this.backlog;
    const nextDelayed = this.backlog.release(now);
    const hubOpen = this.hubGate.open(now);
    if (!this.confirmer.running && this.confirmer.waiting && hubOpen) this.run(this.confirmer.run());
    for (const e of stages.upload) {
      if (this.uploading >= this.o.parallel || !this.storageGate.open(now)) break;
      if (now > e.planUntil) this.backlog.place(e, 'presign');
      else if (e.plan?.status === 'put' || this.multiparts < MULTIPARTS) this.run(this.upload(e));
    }
    if (!this.presigning && stages.presign.size && hubOpen && stages.upload.size < BATCH)
      this.run(this.presign());
    for (const e of stages.hash) {
      if (this.hashing >= HASHERS || stages.presign.size + stages.upload.size >= 2 * BATCH) break;
      this.run(this.hash(e));
    }
    // Wake up when the next delayed file or closed gate is due. Only a gate still closed counts: an open
    // one's `reopensAt` is in the past, and letting it into the minimum would arm no timer at all (e.g.
    // presign held back by a full upload stage while storage is closed: nothing would wake the uploads).
    // Work waiting on an open gate is started by the completions of the tasks now running.
    let at = nextDelayed;
    const hubAt = this.hubGate.reopensAt;
    const storageAt = this.storageGate.reopensAt;
    if ((this.confirmer.waiting || stages.presign.size) && hubAt > now) at = Math.min(at, hubAt);
    if (stages.upload.size && storageAt > now) at = Math.min(at, storageAt);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (at === Number.POSITIVE_INFINITY) return;
    // A timer may fire a little before `at` by this clock: the pump then finds the gate closed and re-arms.
    this.timer = setTimeout(() => this.pump(), Math.max(at - now, 5));
    this.timer.unref();
  }

  private async hash(e: Entry): Promise<void> {
    const gen = e.gen;
    this.backlog.take(e);
    this.hashing++;
    try {
      assertUnchanged(e.abs, e.size, e.mtimeMs);
      const sha256 = await hashFile(e.abs, e.size, this.abort.signal);
      assertUnchanged(e.abs, e.size, e.mtimeMs);
      if (!this.backlog.current(e, gen)) return;
      e.sha256 = sha256;
      this.backlog.place(e, 'presign');
    } catch (error) {
      if (!this.backlog.current(e, gen) || this.stopped) return;
      if (isFileChange(error)) this.dropChanged(e);
      else this.delay(e, 'hash', `reading ${e.rel}: ${errorText(error)}`);
    } finally {
      this.hashing--;
    }
  }

  private async presign(): Promise<void> {
    const batch: Entry[] = [];
    for (const e of this.backlog.stages.presign) {
      if (e.alone && batch.length) continue;
      batch.push(e);
      if (e.alone || batch.length >= BATCH) break;
    }
    const gens = batch.map((e) => e.gen);
    for (const e of batch) this.backlog.take(e);
    const mine = (i: number) => this.backlog.current(batch[i] as Entry, gens[i] as number) && !this.stopped;
    this.presigning = true;
    try {
      const answer = await this.o.hub.presignOutputs(batch.map(outputFile));
      this.hubGate.succeeded();
      const received = this.o.now();
      const lifetime = Date.parse(answer.expiresAt) - received - 30_000;
      const indexed: Done[] = [];
      for (const [i, e] of batch.entries()) {
        const plan = answer.files[i];
        if (!mine(i)) continue;
        if (plan?.path !== e.rel) this.delay(e, 'presign', `hub answered presign for ${e.rel} out of order`);
        else if (plan.status === 'indexed') indexed.push([e, e.gen, this.record(e, plan.version)]);
        else {
          e.plan = plan;
          // The URLs' lifetime by our clock, bounded: a skewed clock neither wastes them nor loops on them.
          e.planUntil = received + Math.min(Math.max(lifetime, 60_000), 3_600_000);
          this.backlog.place(e, 'upload');
        }
      }
      await this.confirmer.commit(indexed);
    } catch (error) {
      const refused = isRefusal(error);
      for (const [i, e] of batch.entries()) {
        if (!mine(i)) continue;
        if (!refused) this.backlog.place(e, 'presign');
        else {
          if (batch.length > 1) e.alone = true;
          this.delay(e, 'presign', `hub refused to presign ${e.rel}: ${errorText(error)}`);
        }
      }
      if (!refused) this.gateFailed('hub', errorText(error));
    } finally {
      this.presigning = false;
    }
  }

  private async upload(e: Entry): Promise<void> {
    const gen = e.gen;
    const plan = e.plan as Plan;
    this.backlog.take(e);
    this.uploading++;
    if (plan.status === 'multipart') this.multiparts++;
    try {
      assertUnchanged(e.abs, e.size, e.mtimeMs);
      const stored = await storeFile(e, plan, {
        putter: this.putter,
        hub: this.o.hub,
        signal: this.abort.signal,
      });
      if ('refused' in stored) {
        e.plan = null;
        return this.delay(e, 'presign', stored.refused);
      }
      assertUnchanged(e.abs, e.size, e.mtimeMs);
      this.storageGate.succeeded();
      const { key, version } = plan;
      const uploadId = plan.status === 'multipart' ? plan.uploadId : undefined;
      const file = { ...outputFile(e), key, version, uploadId, parts: stored.parts };
      this.confirmer.push({ entry: e, gen, file, mtimeMs: e.mtimeMs });
    } catch (error) {
      if (!this.backlog.current(e, gen) || this.stopped) return;
      if (isFileChange(error)) return this.dropChanged(e);
      if (plan.status === 'multipart' && ++e.planFailures >= 2) e.plan = null;
      this.backlog.place(e, e.plan ? 'upload' : 'presign');
      this.gateFailed('storage', `${e.rel}: ${errorText(error)}`);
    } finally {
      this.uploading--;
      if (plan.status === 'multipart') this.multiparts--;
    }
  }

  private record(e: Entry, version: number): JournalEntry {
    return { path: e.rel, size: e.size, mtimeMs: e.mtimeMs, sha256: e.sha256 as string, version };
  }
}
