import type { FileHandle } from 'node:fs/promises';
import type { Journal } from './journal.js';

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

/**
 * Persists a chunk's received prefix while the rest arrives: each time `checkpoint` more bytes are in the
 * buffer (and no write of this chunk is running), writes them at their offset and, once written, journals
 * `index:bytes`. One write at a time per chunk, so a recorded prefix is always entirely on disk.
 */
export class PrefixSaver {
  /** Bytes from the chunk's start written, or being written. */
  private saved: number;
  private received: number;
  private running: Promise<void> | null = null;
  private failure: { error: unknown } | null = null;
  private stopped = false;

  constructor(
    private readonly job: { file: FileHandle; journal: Journal },
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
