import { describe, expect, it } from 'vitest';
import { formatDuration, formatRate, formatTime } from './output.js';
import { pushProgressText } from './progress.js';

const MiB = 1024 * 1024;

describe('push progress in human units', () => {
  it('says bytes of all, the rate and the time left; never a raw byte count or NaN', () => {
    const text = pushProgressText({ phase: 'upload', doneBytes: 700 * MiB, totalBytes: 1400 * MiB }, 70, 0);
    expect(text).toBe('700.0 MiB / 1.4 GiB | 10.0 MiB/s | 1 min 10 s left');
    // No rate yet: an ellipsis, not "NFs".
    expect(pushProgressText({ phase: 'hash', doneBytes: 0, totalBytes: 5 * MiB }, 0, 0)).toBe(
      '0 B / 5.0 MiB | … | … left',
    );
    // A resumed upload counts only this run's bytes in the rate.
    expect(
      pushProgressText({ phase: 'upload', doneBytes: 600 * MiB, totalBytes: 700 * MiB }, 10, 500 * MiB),
    ).toBe('600.0 MiB / 700.0 MiB | 10.0 MiB/s | 10 s left');
  });

  it('says what happens after the last byte instead of standing at 100 %', () => {
    expect(pushProgressText({ phase: 'finish', doneBytes: 7 * MiB, totalBytes: 7 * MiB }, 3, 0)).toBe(
      '7.0 MiB sent | the hub checks the sha256…',
    );
  });

  it('formats durations and rates', () => {
    expect([9, 75, 3600, 3720, Number.NaN, -1].map(formatDuration)).toEqual([
      '9 s',
      '1 min 15 s',
      '1 h',
      '1 h 2 min',
      '…',
      '…',
    ]);
    expect(formatRate(1536)).toBe('1.5 KiB/s');
    // One time format everywhere: UTC to the second.
    expect(formatTime('2026-12-07T10:00:05.123Z')).toBe('2026-12-07T10:00:05Z');
    expect(formatTime('2026-12-07T11:00:05+01:00')).toBe('2026-12-07T10:00:05Z');
    expect(formatTime('not a time')).toBe('not a time');
    expect(formatRate(0)).toBe('…');
  });
});
