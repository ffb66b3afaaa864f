import { describe, expect, it } from 'vitest';
import { summarizeInstances } from './dashboard';

describe('summarizeInstances', () => {
  it('splits current from ended instances and adds up what runs and what was spent', () => {
    const all = [
      { id: 'a', state: 'ready', pricePerHour: 0.5, costUsd: 2 },
      { id: 'b', state: 'stopped', pricePerHour: 0.3, costUsd: 1 },
      { id: 'c', state: 'destroyed', pricePerHour: 0.9, costUsd: 4 },
      { id: 'd', state: 'failed', pricePerHour: null, costUsd: 0.25 },
      { id: 'e', state: 'booting', pricePerHour: null, costUsd: 0 },
    ] as const;
    const summary = summarizeInstances(all);
    expect(summary.current.map((i) => i.id)).toEqual(['a', 'b', 'e']);
    expect(summary.ended.map((i) => i.id)).toEqual(['c', 'd']);
    expect(summary.running).toBe(2);
    expect(summary.perHour).toBe(0.5);
    expect(summary.spent).toBe(7.25);
  });
});
