import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatRate, RateMeter } from './transfer';

describe('formatBytes', () => {
  it('uses decimal units with about three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.00 kB');
    expect(formatBytes(512_000)).toBe('512 kB');
    expect(formatBytes(6_938_040_682)).toBe('6.94 GB');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
    expect(formatBytes(null)).toBe('—');
  });

  it('formats rates', () => {
    expect(formatRate(12_500_000)).toBe('12.5 MB/s');
    expect(formatRate(null)).toBe('—');
  });
});

describe('formatDuration', () => {
  it('reads naturally at every scale', () => {
    expect(formatDuration(44.6)).toBe('45 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(4320)).toBe('1 h 12 min');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('RateMeter', () => {
  it('measures the rate over the window and the time left', () => {
    const meter = new RateMeter(5000);
    meter.add(0, 0);
    expect(meter.rate()).toBeNull();
    meter.add(1000, 10_000_000);
    meter.add(2000, 20_000_000);
    expect(meter.rate()).toBe(10_000_000);
    expect(meter.eta(100_000_000)).toBe(8);
  });

  it('forgets samples older than the window', () => {
    const meter = new RateMeter(2000);
    meter.add(0, 0);
    meter.add(1000, 50_000_000); // a burst
    for (let t = 2000; t <= 10_000; t += 1000) meter.add(t, 50_000_000 + (t - 1000) * 1000);
    expect(meter.rate()).toBe(1_000_000);
  });

  it('has no ETA while stalled', () => {
    const meter = new RateMeter();
    meter.add(0, 5);
    meter.add(1000, 5);
    expect(meter.eta(10)).toBeNull();
  });
});
