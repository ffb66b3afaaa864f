import { describe, expect, it } from 'vitest';
import {
  bulkTargets,
  filterChoices,
  isFiltered,
  parseDashboardSearch,
  sortInstances,
  viewInstances,
} from './dashboard-view';
import { canStop } from './live';

const base = { gpuName: null, stateReason: null, costUsd: 0, provider: 'local' };
const list = [
  { ...base, id: 'b', name: 'beta', state: 'ready', createdAt: '2025-01-02T00:00:00Z', costUsd: 3 },
  {
    ...base,
    id: 'a',
    name: 'alpha',
    state: 'failed',
    createdAt: '2025-01-01T00:00:00Z',
    stateReason: 'Could not resolve host: github.com',
  },
  {
    ...base,
    id: 'c',
    name: 'gamma 10',
    state: 'ready',
    createdAt: '2025-01-02T00:00:00Z',
    provider: 'vastai',
    gpuName: 'RTX 4090',
    profile: { name: 'sdxl' },
  },
  {
    ...base,
    id: 'd',
    name: 'gamma 9',
    state: 'launching',
    createdAt: '2025-01-03T00:00:00Z',
    costUsd: 1,
    profile: { name: 'flux' },
  },
] as const;
const ids = (l: readonly { id: string }[]) => l.map((i) => i.id);

describe('parseDashboardSearch', () => {
  it('keeps known sorts, real states and short texts; drops the rest', () => {
    expect(
      parseDashboardSearch({ sort: 'cost', state: 'ready', provider: ' vastai ', profile: 'sdxl', q: 4090 }),
    ).toEqual({ sort: 'cost', state: 'ready', provider: 'vastai', profile: 'sdxl', q: '4090' });
    expect(
      parseDashboardSearch({ sort: 'price', state: 'running', q: '', provider: 'x'.repeat(41) }),
    ).toEqual({});
  });
});

describe('sortInstances', () => {
  it('puts what needs attention first, then newest, then by id: a stable order', () => {
    expect(ids(sortInstances(list))).toEqual(['a', 'd', 'b', 'c']);
    // The same instances in another order (as a live update may deliver them) give the same order.
    expect(ids(sortInstances([...list].reverse()))).toEqual(['a', 'd', 'b', 'c']);
  });

  it('sorts by name (numbers as numbers), cost (highest first) and age (newest first)', () => {
    expect(ids(sortInstances(list, 'name'))).toEqual(['a', 'b', 'd', 'c']);
    expect(ids(sortInstances(list, 'cost'))).toEqual(['b', 'd', 'c', 'a']);
    expect(ids(sortInstances(list, 'age'))).toEqual(['d', 'b', 'c', 'a']);
  });
});

describe('viewInstances', () => {
  it('filters by state, provider and profile', () => {
    expect(ids(viewInstances(list, { state: 'ready' }))).toEqual(['b', 'c']);
    expect(ids(viewInstances(list, { provider: 'vastai' }))).toEqual(['c']);
    expect(ids(viewInstances(list, { profile: 'flux' }))).toEqual(['d']);
  });

  it('searches every word in name, GPU, profile and reason, case-insensitively', () => {
    expect(ids(viewInstances(list, { q: 'GITHUB' }))).toEqual(['a']);
    expect(ids(viewInstances(list, { q: 'gamma 4090' }))).toEqual(['c']);
    expect(ids(viewInstances(list, { q: 'sdxl', sort: 'name' }))).toEqual(['c']);
    expect(viewInstances(list, { q: 'nothing-like-it' })).toEqual([]);
  });

  it('offers the providers and profiles present, and tells when a filter is set', () => {
    expect(filterChoices(list)).toEqual({ providers: ['local', 'vastai'], profiles: ['flux', 'sdxl'] });
    expect(isFiltered({ sort: 'name' })).toBe(false);
    expect(isFiltered({ q: 'x' })).toBe(true);
  });
});

describe('bulkTargets', () => {
  it('takes the selected instances the action applies to', () => {
    expect(ids(bulkTargets(list, new Set(['a', 'b', 'd', 'gone']), canStop))).toEqual(['b', 'd']);
  });
});
