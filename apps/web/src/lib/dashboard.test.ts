import { describe, expect, it } from 'vitest';
import { summarizeInstances } from './dashboard';

describe('summarizeInstances', () => {
  it('splits current from ended instances and adds up what runs and what was spent', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    const at = '2026-12-07T11:00:00Z';
    const all = [
      { id: 'a', state: 'ready', pricePerHour: 0.5, costUsd: 2, stateChangedAt: at },
      { id: 'b', state: 'stopped', pricePerHour: 0.3, costUsd: 1, stateChangedAt: at },
      { id: 'c', state: 'destroyed', pricePerHour: 0.9, costUsd: 4, stateChangedAt: at },
      { id: 'd', state: 'failed', pricePerHour: null, costUsd: 0.25, stateChangedAt: '2026-12-05T12:00:00Z' },
      { id: 'e', state: 'booting', pricePerHour: null, costUsd: 0, stateChangedAt: at },
      // Failed an hour ago: still a card, its reason in view.
      { id: 'f', state: 'failed', pricePerHour: null, costUsd: 0, stateChangedAt: at },
    ] as const;
    const summary = summarizeInstances(all, now);
    expect(summary.current.map((i) => i.id)).toEqual(['a', 'b', 'e', 'f']);
    expect(summary.ended.map((i) => i.id)).toEqual(['c', 'd']);
    expect(summary.running).toBe(2);
    expect(summary.perHour).toBe(0.5);
    expect(summary.spent).toBe(7.25);
  });
});
