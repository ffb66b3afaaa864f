const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Bytes in decimal units, as file managers and model hubs show them: "6.94 GB", "512 kB", "0 B". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** A transfer rate: "12.5 MB/s". */
export function formatRate(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? '—' : `${formatBytes(bytesPerSecond)}/s`;
}

/** A duration left: "45 s", "3 min 05 s", "1 h 12 min"; "—" when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * The recent transfer rate over a sliding window, so a stalled part or a burst does not swing the ETA
 * wildly. Feed it (time in ms, total bytes so far); it keeps only the samples inside the window.
 */
export class RateMeter {
  readonly #windowMs: number;
  #samples: { at: number; bytes: number }[] = [];

  constructor(windowMs = 5000) {
    this.#windowMs = windowMs;
  }

  add(at: number, bytes: number): void {
    this.#samples.push({ at, bytes });
    while (this.#samples.length > 2 && (this.#samples[1]?.at ?? at) <= at - this.#windowMs) {
      this.#samples.shift();
    }
  }

  /** Bytes per second over the window; null until there are two samples at least 250 ms apart. */
  rate(): number | null {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.at - first.at < 250) return null;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }

  /** Seconds left for `total` bytes at the current rate; null when the rate is unknown or zero. */
  eta(total: number): number | null {
    const rate = this.rate();
    const last = this.#samples.at(-1);
    if (!rate || rate <= 0 || !last) return null;
    return Math.max(0, (total - last.bytes) / rate);
  }

  reset(): void {
    this.#samples = [];
  }
}
