import { describe, expect, it } from 'vitest';
import { parseTimeOption } from './time-option.js';

describe('parseTimeOption', () => {
  const now = Date.parse('2026-11-28T12:00:00.000Z');

  it('takes durations back from now', () => {
    expect(parseTimeOption('--since', '30m', now)).toBe('2026-11-28T11:30:00.000Z');
    expect(parseTimeOption('--since', '2h', now)).toBe('2026-11-28T10:00:00.000Z');
    expect(parseTimeOption('--since', '7d', now)).toBe('2026-11-21T12:00:00.000Z');
    expect(parseTimeOption('--since', '1w', now)).toBe('2026-11-21T12:00:00.000Z');
    expect(parseTimeOption('--since', '90s', now)).toBe('2026-11-28T11:58:30.000Z');
  });

  it('takes ISO times, normalised to UTC with a Z', () => {
    expect(parseTimeOption('--since', '2026-11-28', now)).toBe('2026-11-28T00:00:00.000Z');
    expect(parseTimeOption('--since', '2026-11-28T10:00:00Z', now)).toBe('2026-11-28T10:00:00.000Z');
    expect(parseTimeOption('--since', '2026-11-28T10:00+02:00', now)).toBe('2026-11-28T08:00:00.000Z');
  });

  it('names the flag when it cannot read the value', () => {
    for (const bad of ['yesterday', '2h ago', '', '2026-13-45', '5y'])
      expect(() => parseTimeOption('--since', bad, now), bad).toThrow(/^--since: expected an ISO time/);
  });
});
