import type { ProvisioningItem } from '@podpilot/common';

/** The whole provisioning at one moment: what heartbeats send as `provisioning` and the terminal draws. */
export interface ProgressSnapshot {
  /** Bytes present over every item that reports bytes (resumed and cached bytes included). */
  doneBytes: number;
  /** The sum of the models' sizes, or null while a model's size is unknown. */
  totalBytes: number | null;
  /** Recent transfer rate over all items (bytes received over the last few seconds). */
  bytesPerSecond: number;
  /** Seconds left at the recent rate: null when the total or the rate is unknown, 0 when nothing is left. */
  etaSeconds: number | null;
  /** Every item, each with its `etaSeconds`. */
  items: ProvisioningItem[];
}

export interface ProgressTrackerOptions {
  /** The clock in milliseconds (default `Date.now`); tests pass their own. */
  now?: () => number;
  /** How far back the overall rate looks, in milliseconds (default 5000). */
  windowMs?: number;
}

/** Bytes that arrived at a moment (the growth of one item's `doneBytes` between two updates). */
interface Transfer {
  at: number;
  bytes: number;
}

/** The provisioning items and their progress, for heartbeats and the terminal. */
export class ProgressTracker {
  private readonly items = new Map<string, ProvisioningItem>();
  private readonly now: () => number;
  private readonly windowMs: number;
  /** Transfers within the window, oldest first. */
  private transfers: Transfer[] = [];
  /** When an unfinished item first reported bytes: the start of the rate's measurement. */
  private firstByteAt: number | null = null;

  constructor(options: ProgressTrackerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.windowMs = options.windowMs ?? 5000;
  }

  set(kind: ProvisioningItem['kind'], name: string, update: Partial<ProvisioningItem>): void {
    const key = `${kind}:${name}`;
    const item = this.items.get(key) ?? { kind, name, status: 'pending' as const };
    const next = { ...item, ...update };
    this.items.set(key, next);
    // Only growth between two progress reports of an unfinished item is transfer: an item's first report may
    // carry bytes already on disk (a resumed download), and its jump to `done` a file found in the cache.
    if (update.doneBytes === undefined || next.status === 'done' || next.status === 'failed') return;
    const at = this.now();
    this.firstByteAt ??= at;
    const grown = update.doneBytes - (item.doneBytes ?? update.doneBytes);
    if (grown > 0) {
      this.transfers.push({ at, bytes: grown });
      this.forget(at);
    }
  }

  /** Totals over every item that reports bytes; the rate is the recent one (see `windowMs`). */
  snapshot(): ProgressSnapshot {
    const now = this.now();
    const items = [...this.items.values()].map((i) => ({ ...i, etaSeconds: itemEta(i) }));
    const doneBytes = items.reduce((sum, i) => sum + (i.doneBytes ?? 0), 0);
    const totals = items.filter((i) => i.kind === 'model').map((i) => i.totalBytes);
    const totalBytes = totals.every((t) => typeof t === 'number')
      ? totals.reduce<number>((a, b) => a + (b ?? 0), 0)
      : null;
    const bytesPerSecond = this.rate(now);
    const left = totalBytes === null ? null : Math.max(0, totalBytes - doneBytes);
    const etaSeconds = left === null ? null : left === 0 ? 0 : eta(left, bytesPerSecond);
    return { doneBytes, totalBytes, bytesPerSecond, etaSeconds, items };
  }

  /**
   * Bytes per second over the last `windowMs`; while the first byte is more recent than that, the average
   * since the first byte. 0 before any transfer, and it falls to 0 when transfers stop.
   */
  private rate(now: number): number {
    if (this.firstByteAt === null) return 0;
    this.forget(now);
    const since = Math.max(this.firstByteAt, now - this.windowMs);
    const seconds = (now - since) / 1000;
    if (seconds <= 0) return 0;
    const bytes = this.transfers.reduce((sum, t) => sum + (t.at > since ? t.bytes : 0), 0);
    return Math.round(bytes / seconds);
  }

  /** Drops transfers older than the window. */
  private forget(now: number): void {
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < this.transfers.length && (this.transfers[drop]?.at ?? now) <= from) drop++;
    if (drop > 0) this.transfers = this.transfers.slice(drop);
  }
}

/** An item's seconds left at the rate it reports: 0 when done, null when its size or rate is unknown. */
function itemEta(item: ProvisioningItem): number | null {
  if (item.status === 'done') return 0;
  if (item.status === 'failed' || typeof item.totalBytes !== 'number') return null;
  const left = Math.max(0, item.totalBytes - (item.doneBytes ?? 0));
  return left === 0 ? 0 : eta(left, item.bytesPerSecond ?? 0);
}

/** Whole seconds (rounded up, so only "nothing left" reads 0) to move `bytes` at `rate`; null without a rate. */
function eta(bytes: number, rate: number): number | null {
  return rate > 0 ? Math.ceil(bytes / rate) : null;
}
