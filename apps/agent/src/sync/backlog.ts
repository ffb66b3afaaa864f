import { backoffMs, type OutputUploadPlan } from '@podpilot/common';
import type { SeenFile } from './types.js';

export type Plan = Exclude<OutputUploadPlan, { status: 'indexed' }>;
export type Stage = 'hash' | 'presign' | 'upload';

/** One path in the backlog; `gen` moves on whenever the file is seen complete with another size or mtime. */
export interface Entry extends SeenFile {
  gen: number;
  sha256: string | null;
  plan: Plan | null;
  /** The plan's URLs are used until then (our clock), presigned again after. */
  planUntil: number;
  planFailures: number;
  /** Failures in a row of this file (its backoff). */
  attempts: number;
  /** Refused within a batch: sent alone from now on, so one bad file cannot hold back the others. */
  alone: boolean;
  where: Stage | 'delayed' | 'busy' | 'confirming';
  /** Where a delayed entry goes when `notBefore` comes. */
  next: Stage;
  notBefore: number;
}

export interface BacklogOptions {
  now: () => number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** The wait before retry `attempt`: exponential, in [½, 1] of its ceiling (never ~0, so no hammering). */
const backoff = (o: BacklogOptions, attempt: number) =>
  backoffMs(attempt, { baseMs: o.retryBaseMs, capMs: o.retryMaxMs, jitter: 'half' });

/**
 * Files seen complete and not yet confirmed, each in one place: waiting for a stage (FIFO sets), delayed
 * (backing off), busy (a task holds it) or confirming (its bytes are stored, the hub has yet to say so).
 */
export class Backlog {
  private readonly entries = new Map<string, Entry>();
  readonly stages: Record<Stage, Set<Entry>> = { hash: new Set(), presign: new Set(), upload: new Set() };
  readonly delayed = new Set<Entry>();
  private totalBytes = 0;
  /** No delayed entry is due before this. */
  private due = Number.POSITIVE_INFINITY;

  constructor(private readonly o: BacklogOptions) {}

  get files(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** In the backlog with this very size and mtime? */
  has(rel: string, size: number, mtimeMs: number): boolean {
    const e = this.entries.get(rel);
    return e !== undefined && e.size === size && e.mtimeMs === mtimeMs;
  }

  /** Queues a complete file for hashing; a newer stat of a queued path restarts it (next `gen`). */
  add(file: SeenFile): void {
    const known = this.entries.get(file.rel);
    if (known && known.size === file.size && known.mtimeMs === file.mtimeMs) return;
    const e: Entry = known ?? {
      ...file,
      gen: -1,
      sha256: null,
      plan: null,
      planUntil: 0,
      planFailures: 0,
      attempts: 0,
      alone: false,
      where: 'busy',
      next: 'hash',
      notBefore: 0,
    };
    if (!known) this.entries.set(file.rel, e);
    this.totalBytes += file.size - (known?.size ?? 0);
    Object.assign(e, { abs: file.abs, size: file.size, mtimeMs: file.mtimeMs, gen: e.gen + 1 });
    Object.assign(e, { sha256: null, plan: null, planFailures: 0, attempts: 0, alone: false });
    this.place(e, 'hash');
  }

  /** Is `e` still this generation of its path (not restarted, not removed)? */
  current(e: Entry, gen: number): boolean {
    return e.gen === gen && this.entries.get(e.rel) === e;
  }

  place(e: Entry, stage: Stage): void {
    this.take(e);
    this.stages[stage].add(e);
    e.where = stage;
  }

  /** Out of its queue: a task holds it now. */
  take(e: Entry): void {
    if (e.where === 'delayed') this.delayed.delete(e);
    else if (e.where !== 'busy' && e.where !== 'confirming') this.stages[e.where].delete(e);
    e.where = 'busy';
  }

  /** A failure of this file alone: back to `stage` after its backoff. */
  delay(e: Entry, stage: Stage): void {
    this.take(e);
    e.notBefore = this.o.now() + backoff(this.o, e.attempts++);
    e.next = stage;
    e.where = 'delayed';
    this.delayed.add(e);
    this.due = Math.min(this.due, e.notBefore);
  }

  /** Out of the backlog (confirmed, or gone back to the stabilizer). */
  remove(e: Entry): void {
    if (this.entries.get(e.rel) !== e) return;
    this.take(e);
    this.entries.delete(e.rel);
    this.totalBytes -= e.size;
  }

  /** Delayed entries due by `now` go back to their stage; returns when the next one is due. */
  release(now: number): number {
    if (now < this.due) return this.due;
    let next = Number.POSITIVE_INFINITY;
    for (const e of this.delayed)
      if (e.notBefore <= now) this.place(e, e.next);
      else next = Math.min(next, e.notBefore);
    this.due = next;
    return next;
  }

  releaseAll(): void {
    for (const e of this.delayed) e.notBefore = 0;
    this.due = 0;
  }
}

/** A pause for all calls to one service (the hub, or storage) after it failed: backoff with jitter. */
export class Gate {
  private until = 0;
  private failures = 0;

  constructor(private readonly o: BacklogOptions) {}

  /** May calls go through at `now`? */
  open(now: number): boolean {
    return now >= this.until;
  }

  get reopensAt(): number {
    return this.until;
  }

  /** A call failed: close for the next backoff (calls that fail while closed do not lengthen it). */
  failed(): void {
    const now = this.o.now();
    if (now >= this.until) this.until = now + backoff(this.o, this.failures++);
  }

  succeeded(): void {
    this.failures = 0;
  }

  /** Open now (syncNow); the next failure still backs off from where it was. */
  lift(): void {
    this.until = 0;
  }
}
