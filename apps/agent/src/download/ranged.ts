import { setMaxListeners } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import { chunkBuffers } from './buffer-pool.js';
import { DownloadError, safeUrl } from './errors.js';
import type { OrderedHash } from './hasher.js';
import type { Journal } from './journal.js';
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
/** Smallest checkpoint (tiny chunks): below a page, the writes and journal lines cost more than they save. */
const MIN_CHECKPOINT = 4 << 10;

/**
 * Bytes of a chunk received between two checkpoints (its received prefix written, then journaled), and the
 * most one socket read may bring. A kill loses about this much per connection, `connections * checkpoint`
 * = a quarter chunk in all: less than one chunk per file, even when a write is in flight on each connection.
 */
export function checkpointBytes(chunkSize: number, connections: number): number {
  return Math.max(MIN_CHECKPOINT, Math.floor(chunkSize / (4 * connections)));
}

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
  const { size, chunkSize, window } = job;
  const count = Math.ceil(size / chunkSize);
  const todo = [...Array(count).keys()].filter((i) => !job.done.has(i));
  const lengthOf = (i: number) => Math.min(chunkSize, size - i * chunkSize);
  const stop = new AbortController();
  const signal = AbortSignal.any([job.signal, stop.signal]);
  setMaxListeners(job.connections + 4, signal); // one listener per connection's request
  /** Fetched chunks waiting for the hash, with their write to the file. */
  const delivered = new Map<number, { buffer: Buffer; written: Promise<unknown> }>();
  const moved = new Signal(); // the hash position advanced
  const arrived = new Signal(); // a chunk was delivered
  let posted = 0; // chunks handed to the hash, in file order
  let hashed = 0; // chunks the hash consumed (their buffers are free again)
  let cursor = 0;
  let failure: unknown;
  const flush = { unsynced: 0, running: null as Promise<void> | null }; // background fdatasync

  const fail = (error: unknown) => {
    failure ??= error;
    stop.abort(error);
    moved.notify();
    arrived.notify();
  };

  const checkpoint = checkpointBytes(chunkSize, job.connections);
  const worker = async () => {
    const connection = new RangeConnection(job.url, job.headers, job.model, checkpoint);
    try {
      await work(connection);
    } finally {
      connection.close();
    }
  };
  const work = async (connection: RangeConnection) => {
    for (;;) {
      const index = todo[cursor++];
      if (index === undefined || failure) return;
      while (index >= hashed + window && !failure) await moved.wait();
      if (failure) return;
      const buffer = chunkBuffers.take(chunkSize);
      const length = lengthOf(index);
      const offset = index * chunkSize;
      const prefix = job.prefixes.get(index) ?? 0;
      const saver = new PrefixSaver(job, offset, index, buffer, prefix, checkpoint);
      try {
        if (prefix > 0) {
          // Written by an interrupted call: read back (the hash needs whole chunks), fetch only the rest.
          const { bytesRead } = await job.file.read(buffer, 0, prefix, offset);
          if (bytesRead !== prefix) throw new Error(`short read of the partial file at chunk ${index}`);
        }
        await fetchChunk(job, connection, offset, buffer.subarray(0, length), prefix, saver, signal);
      } catch (error) {
        await saver.stop(); // no checkpoint write may still read the buffer once it is back in the pool
        chunkBuffers.give(buffer);
        throw error;
      }
      // The hash may start on the bytes while the rest is being written: both only read the buffer.
      const written = saver.finish(length);
      delivered.set(index, { buffer, written });
      arrived.notify();
      await written;
      await job.journal.markDone(index); // only once the bytes are in the file
      flush.unsynced += length;
      if (flush.unsynced >= SYNC_EVERY && !flush.running) {
        flush.unsynced = 0;
        flush.running = job.file.datasync().finally(() => {
          flush.running = null;
        });
      }
    }
  };

  const hasher = async () => {
    let last: Promise<void> = Promise.resolve();
    while (posted < count && !failure) {
      const index = posted;
      const length = lengthOf(index);
      let entry = delivered.get(index);
      if (job.done.has(index)) {
        if (index >= hashed + window) {
          await moved.wait(); // reading ahead is bounded by the window too
          continue;
        }
        // Resumed: a hash state cannot be saved, so the bytes an earlier call wrote are read back once.
        const buffer = chunkBuffers.take(chunkSize);
        const { bytesRead } = await job.file.read(buffer, 0, length, index * chunkSize);
        if (bytesRead !== length) throw new Error(`short read of the partial file at chunk ${index}`);
        entry = { buffer, written: Promise.resolve() };
      } else if (!entry) {
        await arrived.wait();
        continue;
      }
      delivered.delete(index);
      posted++;
      const { buffer, written } = entry;
      last = Promise.all([job.hash.update(buffer.subarray(0, length)), written]).then(() => {
        chunkBuffers.give(buffer);
        hashed++;
        moved.notify();
      });
      last.catch(fail);
    }
    await last;
  };

  const guard = (task: () => Promise<void>) => task().catch(fail);
  await Promise.all([guard(hasher), ...Array.from({ length: job.connections }, () => guard(worker))]);
  for (const { buffer, written } of delivered.values())
    written.then(
      () => chunkBuffers.give(buffer),
      () => {}, // a failed write already failed the download
    );
  await flush.running?.catch(() => {}); // its errors resurface in the final datasync
  if (!failure) return;
  job.hash.abandon();
  throw job.signal.aborted ? job.signal.reason : failure;
}

/**
 * Persists a chunk's received prefix while the rest arrives: each time `checkpoint` more bytes are in the
 * buffer (and no write of this chunk is running), writes them at their offset and, once written, journals
 * `index:bytes`. One write at a time per chunk, so a recorded prefix is always entirely on disk.
 */
class PrefixSaver {
  /** Bytes from the chunk's start written, or being written. */
  private saved: number;
  private received: number;
  private running: Promise<void> | null = null;
  private failure: { error: unknown } | null = null;
  private stopped = false;

  constructor(
    private readonly job: RangedJob,
    private readonly offset: number,
    private readonly index: number,
    private readonly buffer: Buffer,
    prefix: number,
    private readonly checkpoint: number,
  ) {
    this.saved = prefix;
    this.received = prefix;
  }

  /** The first `got` bytes of the chunk are in the buffer. */
  progress(got: number): void {
    this.received = got;
    this.next();
  }

  private next(): void {
    if (this.running || this.stopped || this.failure || this.received - this.saved < this.checkpoint) return;
    const from = this.saved;
    const to = this.received;
    this.saved = to;
    this.running = this.job.file
      .write(this.buffer, from, to - from, this.offset + from)
      .then(() => this.job.journal.markPrefix(this.index, to))
      .then(
        () => {
          this.running = null;
          this.next();
        },
        (error: unknown) => {
          this.failure = { error };
          this.running = null;
        },
      );
  }

  /** Starts no more checkpoints; resolves once none is running (the buffer is free of our writes). */
  async stop(): Promise<void> {
    this.stopped = true;
    while (this.running) await this.running;
  }

  /** All `length` bytes are in the buffer: writes what no checkpoint did. Rejects if a checkpoint failed. */
  async finish(length: number): Promise<void> {
    await this.stop();
    if (this.failure) throw this.failure.error;
    if (this.saved < length)
      await this.job.file.write(this.buffer, this.saved, length - this.saved, this.offset + this.saved);
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
