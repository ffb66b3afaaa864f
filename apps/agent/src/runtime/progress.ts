import type { ProvisioningItem } from '@podpilot/common';

/** The provisioning items and their progress, for heartbeats and the terminal. */
export class ProgressTracker {
  private readonly items = new Map<string, ProvisioningItem>();
  private readonly started = Date.now();

  set(kind: ProvisioningItem['kind'], name: string, update: Partial<ProvisioningItem>): void {
    const key = `${kind}:${name}`;
    const item = this.items.get(key) ?? { kind, name, status: 'pending' as const };
    this.items.set(key, { ...item, ...update });
  }

  /** Totals over every item that reports bytes; the rate is the overall average since the start. */
  snapshot(): {
    doneBytes: number;
    totalBytes: number | null;
    bytesPerSecond: number;
    items: ProvisioningItem[];
  } {
    const items = [...this.items.values()];
    const doneBytes = items.reduce((sum, i) => sum + (i.doneBytes ?? 0), 0);
    const totals = items.filter((i) => i.kind === 'model').map((i) => i.totalBytes);
    const totalBytes = totals.every((t) => typeof t === 'number')
      ? totals.reduce<number>((a, b) => a + (b ?? 0), 0)
      : null;
    const seconds = (Date.now() - this.started) / 1000;
    return { doneBytes, totalBytes, bytesPerSecond: seconds > 0 ? doneBytes / seconds : 0, items };
  }
}
