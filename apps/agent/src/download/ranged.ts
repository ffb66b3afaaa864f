import { setMaxListeners } from 'node:events';
import { chunkBuffers } from './buffer-pool.js';
import { ConnectionGovernor } from './connection-governor.js';
import { fetchChunk, SurplusConnection } from './fetch-chunk.js';
import { OriginShare } from './origin-share.js';
import { checkpointBytes, PrefixSaver } from './prefix-saver.js';
import { RangeConnection } from './range-connection.js';
import type { RangedJob } from './ranged-job.js';
import { Signal } from './rearmable-signal.js';

/**
 * Written bytes are flushed in the background every this many bytes, so the fdatasync that must precede
 * the rename into the cache finds little left to do (the disk works while the network does).
 */
const SYNC_EVERY = 32 << 20;
/** Whether the connection count should change is decided this often (twice a second). */
export const ADAPT_EVERY_MS = 500;
/**
 * Fetches every chunk not yet done with parallel Range requests, writes each at its offset, and feeds the
 * hash in file order as the contiguous prefix grows. Memory: a chunk may be fetched only when it lies
 * within `connections + windowSlack` chunks of the hash position (the connections held now), so at most
 * that many chunks are buffered
 * (buffers are reused). Chunks already on disk are read back for the hash when their turn comes.
 * Connections: starts with `initialConnections` and adapts within `connections` (ConnectionGovernor); a
 * connection refused as one too many gives its chunk back and closes.
 * Throws the first permanent failure (after stopping the other connections) or the abort reason.
 */
export async function downloadRanges(job: RangedJob): Promise<void> {
  await new RangedDownload(job).run();
}

/** A worker's place in the connection count, given up once. */
type Seat = { held: boolean };

/** One call of downloadRanges: connection workers fetching chunks, one hasher consuming them in order. */
class RangedDownload {
  private readonly job: RangedJob;
  private readonly count: number;
  private readonly todo: number[];
  /** Chunks a closing connection gave back, fetched before any new one. */
  private readonly returned: number[] = [];
  private readonly stop = new AbortController();
  private readonly signal: AbortSignal;
  private readonly checkpoint: number;
  private readonly governor: ConnectionGovernor;
  private readonly workers: Promise<void>[] = [];
  /** Workers running and not yet leaving. */
  private active = 0;
  /** This download's part of the connections held to its origin by the whole process. */
  private readonly share: OriginShare;
  /** Bytes received since the last adapt(), and when that was. */
  private received = 0;
  private measuredAt = performance.now();
  /** Fetched chunks waiting for the hash, with their write to the file. */
  private readonly delivered = new Map<number, { buffer: Buffer; written: Promise<unknown> }>();
  private readonly moved = new Signal(); // the hash position advanced, or a chunk was given back
  private readonly arrived = new Signal(); // a chunk was delivered
  private posted = 0; // chunks handed to the hash, in file order
  private hashed = 0; // chunks the hash consumed (their buffers are free again)
  private cursor = 0;
  private failure: unknown;
  /** Background fdatasync: bytes written since the last one, and the one running. */
  private unsynced = 0;
  private syncing: Promise<void> | null = null;

  constructor(job: RangedJob) {
    this.job = {
      ...job,
      onBytes: (n) => {
        this.received += n;
        job.onBytes(n);
      },
    };
    this.count = Math.ceil(job.size / job.chunkSize);
    this.todo = [...Array(this.count).keys()].filter((i) => !job.done.has(i));
    this.signal = AbortSignal.any([job.signal, this.stop.signal]);
    setMaxListeners(job.connections + 4, this.signal); // one listener per connection's request
    this.checkpoint = checkpointBytes(job.chunkSize, job.initialConnections);
    this.governor = new ConnectionGovernor(job.initialConnections, job.connections);
    this.share = OriginShare.join(job.url.origin);
    this.governor.limitTo(this.share.fairShare());
  }

  async run(): Promise<void> {
    const adapting = setInterval(() => this.adapt(), this.job.adaptEveryMs);
    try {
      while (this.active < this.governor.connections && this.hasWork()) this.spawn();
      await this.guard(() => this.hasher());
      // Workers may still be spawned while the first ones run: wait until none is left.
      for (let seen = 0; seen < this.workers.length; seen = this.workers.length)
        await Promise.all(this.workers);
    } finally {
      clearInterval(adapting);
      this.share.leave();
    }
    for (const { buffer, written } of this.delivered.values())
      written.then(
        () => chunkBuffers.give(buffer),
        () => {}, // a failed write already failed the download
      );
    await this.syncing?.catch(() => {}); // its errors resurface in the final datasync
    if (!this.failure) return;
    this.job.hash.abandon();
    throw this.job.signal.aborted ? this.job.signal.reason : this.failure;
  }

  private guard(task: () => Promise<void>): Promise<void> {
    return task().catch((error: unknown) => this.fail(error));
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.stop.abort(error);
    this.moved.notify();
    this.arrived.notify();
  }

  private lengthOf(index: number): number {
    return Math.min(this.job.chunkSize, this.job.size - index * this.job.chunkSize);
  }

  /** Chunks that may be fetched ahead of the hash position. */
  private window(): number {
    return this.governor.connections + this.job.windowSlack;
  }

  private hasWork(): boolean {
    return !this.failure && (this.returned.length > 0 || this.cursor < this.todo.length);
  }

  private spawn(): void {
    const seat = { held: true };
    this.active++;
    this.share.active++;
    this.workers.push(this.guard(() => this.worker(seat)));
  }

  /** Counts a worker out, once (it is leaving, or about to). */
  private release(seat: Seat): void {
    if (!seat.held) return;
    seat.held = false;
    this.active--;
    this.share.active--;
  }

  /** Measures the last period's throughput and opens the connections the governor asks for. */
  private adapt(): void {
    const now = performance.now();
    const rate = (this.received * 1000) / Math.max(1, now - this.measuredAt);
    this.received = 0;
    this.measuredAt = now;
    this.governor.limitTo(this.share.fairShare());
    const target = this.governor.sample(rate);
    if (this.governor.takeWantsMore()) this.share.wantsMore();
    while (this.active < target && this.hasWork()) this.spawn();
  }

  /** A request was refused as one too many: true when this connection should close (the count shrank). */
  private throttled(seat: Seat): boolean {
    this.share.refused();
    this.governor.throttled();
    if (this.active <= this.governor.limitTo(this.share.fairShare())) return false;
    this.release(seat);
    return true;
  }

  private async worker(seat: Seat): Promise<void> {
    const connection = new RangeConnection(this.job.url, this.job.headers, this.job.model, this.checkpoint);
    try {
      for (let index = await this.next(seat); index !== undefined; index = await this.next(seat)) {
        try {
          await this.fetchOne(connection, index, seat);
        } catch (error) {
          if (!(error instanceof SurplusConnection)) throw error;
          this.returned.push(index);
          this.returned.sort((a, b) => a - b);
          this.moved.notify();
          return;
        }
      }
    } finally {
      connection.close();
      this.release(seat);
    }
  }

  /**
   * The next chunk to fetch (a given-back one first), once it lies within the window; undefined, with this
   * worker counted out, when none is left, the download failed, or there are more workers than wanted.
   */
  private async next(seat: Seat): Promise<number | undefined> {
    for (;;) {
      if (this.failure || this.active > this.governor.connections) break;
      const given = this.returned.shift();
      if (given !== undefined) return given;
      const index = this.todo[this.cursor];
      if (index === undefined) break;
      if (index < this.hashed + this.window()) {
        this.cursor++;
        return index;
      }
      await this.moved.wait();
    }
    this.release(seat);
    return undefined;
  }

  /** Fetches one chunk into a pooled buffer, hands it to the hash, and journals it once written. */
  private async fetchOne(connection: RangeConnection, index: number, seat: Seat): Promise<void> {
    const job = this.job;
    const buffer = chunkBuffers.take(job.chunkSize);
    const length = this.lengthOf(index);
    const offset = index * job.chunkSize;
    const prefix = job.prefixes.get(index) ?? 0;
    const saver = new PrefixSaver(job, offset, index, buffer, prefix, this.checkpoint);
    try {
      if (prefix > 0) {
        // Written by an interrupted call: read back (the hash needs whole chunks), fetch only the rest.
        const { bytesRead } = await job.file.read(buffer, 0, prefix, offset);
        if (bytesRead !== prefix) throw new Error(`short read of the partial file at chunk ${index}`);
      }
      await fetchChunk(job, connection, offset, buffer.subarray(0, length), prefix, saver, this.signal, () =>
        this.throttled(seat),
      );
    } catch (error) {
      await saver.stop(); // no checkpoint write may still read the buffer once it is back in the pool
      chunkBuffers.give(buffer);
      throw error;
    }
    // The hash may start on the bytes while the rest is being written: both only read the buffer.
    const written = saver.finish(length);
    this.delivered.set(index, { buffer, written });
    this.arrived.notify();
    await written;
    await job.journal.markDone(index); // only once the bytes are in the file
    this.unsynced += length;
    if (this.unsynced >= SYNC_EVERY && !this.syncing) {
      this.unsynced = 0;
      this.syncing = job.file.datasync().finally(() => {
        this.syncing = null;
      });
    }
  }

  /** Feeds the hash in file order: delivered chunks, and chunks an earlier call wrote, read back. */
  private async hasher(): Promise<void> {
    let last: Promise<void> = Promise.resolve();
    while (this.posted < this.count && !this.failure) {
      const index = this.posted;
      const length = this.lengthOf(index);
      let entry = this.delivered.get(index);
      if (this.job.done.has(index)) {
        if (index >= this.hashed + this.window()) {
          await this.moved.wait(); // reading ahead is bounded by the window too
          continue;
        }
        entry = await this.readBack(index, length);
      } else if (!entry) {
        await this.arrived.wait();
        continue;
      }
      this.delivered.delete(index);
      this.posted++;
      const { buffer, written } = entry;
      last = Promise.all([this.job.hash.update(buffer.subarray(0, length)), written]).then(() => {
        chunkBuffers.give(buffer);
        this.hashed++;
        this.moved.notify();
      });
      last.catch((error: unknown) => this.fail(error));
    }
    await last;
  }

  /** Resumed: a hash state cannot be saved, so the bytes an earlier call wrote are read back once. */
  private async readBack(index: number, length: number) {
    const buffer = chunkBuffers.take(this.job.chunkSize);
    const { bytesRead } = await this.job.file.read(buffer, 0, length, index * this.job.chunkSize);
    if (bytesRead !== length) throw new Error(`short read of the partial file at chunk ${index}`);
    return { buffer, written: Promise.resolve() as Promise<unknown> };
  }
}
