import type { DownloadProgress } from './types.js';

const EVERY_MS = 100;
const RATE_WINDOW_MS = 1000;

/** Counts bytes, and reports to the caller at most every 100 ms with the rate over about the last second. */
export class ProgressMeter {
  /** Bytes received over the network by this call. */
  fetched = 0;
  private done = 0;
  private total: number | null = null;
  private lastEmit = 0;
  private readonly samples: { at: number; fetched: number }[] = [];

  constructor(private readonly onProgress?: (p: DownloadProgress) => void) {}

  /** A new attempt at the file: `present` bytes are already on disk. */
  start(total: number | null, present: number): void {
    this.total = total;
    this.done = present;
  }

  add(received: number): void {
    this.fetched += received;
    this.done += received;
    if (!this.onProgress) return;
    const now = performance.now();
    if (now - this.lastEmit >= EVERY_MS) this.emit(now);
  }

  finish(): void {
    if (this.onProgress) this.emit(performance.now());
  }

  private emit(now: number): void {
    this.lastEmit = now;
    this.samples.push({ at: now, fetched: this.fetched });
    while (this.samples.length > 2 && now - (this.samples[1]?.at ?? now) >= RATE_WINDOW_MS)
      this.samples.shift();
    const first = this.samples[0] ?? { at: now, fetched: this.fetched };
    const seconds = (now - first.at) / 1000;
    const bytesPerSecond = seconds > 0 ? Math.round((this.fetched - first.fetched) / seconds) : 0;
    this.onProgress?.({ doneBytes: this.done, totalBytes: this.total, bytesPerSecond });
  }
}
