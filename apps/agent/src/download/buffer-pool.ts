/** Idle buffers are freed after this long without a download asking for them. */
const IDLE_MS = 15_000;
/** At most this much memory is kept idle. */
const MAX_IDLE_BYTES = 512 << 20;

/**
 * Chunk buffers reused across chunks and across downloads. Why: touching fresh memory costs a page fault per
 * page (under gVisor about 3 ms per MiB, as much as receiving it), so a new 16 MiB buffer per chunk would
 * cost more than the network. Idle buffers are released after IDLE_MS (the timer does not keep the process up).
 */
export class BufferPool {
  private readonly idle = new Map<number, Buffer[]>();
  private idleBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  take(size: number): Buffer {
    const buffer = this.idle.get(size)?.pop();
    // Shared memory, so the hash worker reads the very bytes the socket wrote (no copy in a message).
    if (!buffer) return Buffer.from(new SharedArrayBuffer(size));
    this.idleBytes -= size;
    return buffer;
  }

  give(buffer: Buffer): void {
    if (this.idleBytes + buffer.length > MAX_IDLE_BYTES) return;
    const list = this.idle.get(buffer.length) ?? [];
    list.push(buffer);
    this.idle.set(buffer.length, list);
    this.idleBytes += buffer.length;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.clear(), IDLE_MS).unref();
  }

  clear(): void {
    this.idle.clear();
    this.idleBytes = 0;
  }
}

export const chunkBuffers = new BufferPool();
