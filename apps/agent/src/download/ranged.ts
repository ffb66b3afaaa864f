import { setMaxListeners } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import { chunkBuffers } from './buffer-pool.js';
import { DownloadError, safeUrl } from './errors.js';
import type { OrderedHash } from './hasher.js';
import type { Journal } from './journal.js';
import { checkpointBytes, PrefixSaver } from './prefix-saver.js';
import { RangeConnection, type ResponseHead } from './range-connection.js';
import { type RetryPolicy, withRetry } from './retry.js';

export interface RangedJob {
  url: URL;
  headers: Record<string, string>;
  model: string;
  /** The pre-sized `.part` file, opened read/write. */
  file: FileHandle;
  journal: Journal;
  size: number;
  chunkSize: number;
  etag: string | null;
  /** Chunks already on disk (from the journal): not fetched, hashed from disk. */
  done: ReadonlySet<number>;
  /** Chunks partly on disk (from the journal): index -> bytes at their start that are not fetched again. */
  prefixes: ReadonlyMap<number, number>;
  hash: OrderedHash;
  connections: number;
  /** Most chunks held in memory, waiting for their turn at the hash. */
  window: number;
  retry: RetryPolicy;
  signal: AbortSignal;
  onBytes: (received: number) => void;
}

/**
 * Written bytes are flushed in the background every this many bytes, so the fdatasync that must precede
 * the rename into the cache finds little left to do (the disk works while the network does).
 */
const SYNC_EVERY = 32 << 20;
/** A promise that can be re-armed: wait() resolves at the next notify(). */
class Signal {
  private resolve: () => void = () => {};
  private promise = this.arm();
  private arm(): Promise<void> {
    return new Promise((r) => {
      this.resolve = r;
    });
  }
  wait(): Promise<void> {
    return this.promise;
  }
  notify(): void {
    this.resolve();
    this.promise = this.arm();
  }
}

/**
 * Fetches every chunk not yet done with parallel Range requests, writes each at its offset, and feeds the
 * hash in file order as the contiguous prefix grows. Memory: a chunk may be fetched only when it lies
 * within `window` chunks of the hash position, so at most `window * chunkSize` bytes are buffered
 * (buffers are reused). Chunks already on disk are read back for the hash when their turn comes.
 * Throws the first permanent failure (after stopping the other connections) or the abort reason.
 */
export async function downloadRanges(job: RangedJob): Promise<void> {
  await new RangedDownload(job).run();
}

/** One call of downloadRanges: `connections` workers fetching chunks, one hasher consuming them in order. */
class RangedDownload {
  private readonly count: number;
  private readonly todo: number[];
  private readonly stop = new AbortController();
  private readonly signal: AbortSignal;
  private readonly checkpoint: number;
  /** Fetched chunks waiting for the hash, with their write to the file. */
  private readonly delivered = new Map<number, { buffer: Buffer; written: Promise<unknown> }>();
  private readonly moved = new Signal(); // the hash position advanced
  private readonly arrived = new Signal(); // a chunk was delivered
  private posted = 0; // chunks handed to the hash, in file order
  private hashed = 0; // chunks the hash consumed (their buffers are free again)
  private cursor = 0;
  private failure: unknown;
  /** Background fdatasync: bytes written since the last one, and the one running. */
  private unsynced = 0;
  private syncing: Promise<void> | null = null;

  constructor(private readonly job: RangedJob) {
    this.count = Math.ceil(job.size / job.chunkSize);
    this.todo = [...Array(this.count).keys()].filter((i) => !job.done.has(i));
    this.signal = AbortSignal.any([job.signal, this.stop.signal]);
    setMaxListeners(job.connections + 4, this.signal); // one listener per connection's request
    this.checkpoint = checkpointBytes(job.chunkSize, job.connections);
  }

  async run(): Promise<void> {
    const guard = (task: () => Promise<void>) => task().catch((error: unknown) => this.fail(error));
    const workers = Array.from({ length: this.job.connections }, () => guard(() => this.worker()));
    await Promise.all([guard(() => this.hasher()), ...workers]);
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

  private fail(error: unknown): void {
    this.failure ??= error;
    this.stop.abort(error);
    this.moved.notify();
    this.arrived.notify();
  }

  private lengthOf(index: number): number {
    return Math.min(this.job.chunkSize, this.job.size - index * this.job.chunkSize);
  }

  private async worker(): Promise<void> {
    const connection = new RangeConnection(this.job.url, this.job.headers, this.job.model, this.checkpoint);
    try {
      for (let index = await this.next(); index !== undefined; index = await this.next())
        await this.fetchOne(connection, index);
    } finally {
      connection.close();
    }
  }

  /** The next chunk to fetch, once it lies within the window; undefined when none is left or all failed. */
  private async next(): Promise<number | undefined> {
    const index = this.todo[this.cursor++];
    if (index === undefined || this.failure) return undefined;
    while (index >= this.hashed + this.job.window && !this.failure) await this.moved.wait();
    return this.failure ? undefined : index;
  }

  /** Fetches one chunk into a pooled buffer, hands it to the hash, and journals it once written. */
  private async fetchOne(connection: RangeConnection, index: number): Promise<void> {
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
      await fetchChunk(job, connection, offset, buffer.subarray(0, length), prefix, saver, this.signal);
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
        if (index >= this.hashed + this.job.window) {
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

/**
 * One chunk into `target` from byte `prefix` on (the bytes before are already there), retried with backoff;
 * a retry asks only for the bytes still missing, so a connection reset late in a chunk costs little.
 */
async function fetchChunk(
  job: RangedJob,
  connection: RangeConnection,
  start: number,
  target: Buffer,
  prefix: number,
  saver: PrefixSaver,
  signal: AbortSignal,
): Promise<void> {
  const end = start + target.length - 1;
  let got = prefix;
  const onBytes = (n: number) => {
    got += n;
    job.onBytes(n);
    saver.progress(got);
  };
  const validate = ({ headers }: ResponseHead) => {
    const range = headers.get('content-range')?.replace(/\s+/g, ' ');
    if (range !== `bytes ${start + got}-${end}/${job.size}`)
      return new DownloadError(`Model "${job.model}": ${safeUrl(job.url)} sent Content-Range ${range}`);
    const etag = headers.get('etag');
    if (job.etag && etag && etag !== job.etag)
      return new DownloadError(
        `Model "${job.model}": the file at ${safeUrl(job.url)} changed during the download`,
      );
    return null;
  };
  await withRetry(
    () => connection.fetch(start + got, target.subarray(got), onBytes, signal, validate),
    job.retry,
    signal,
  );
}
