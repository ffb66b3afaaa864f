import { describe, expect, it } from 'vitest';
import { groupTransitions, pageOf, type Transition } from './timeline-groups';

let minute = 0;
const t = (from: string | null, to: string): Transition => ({
  from,
  to,
  cause: null,
  at: new Date(Date.UTC(2026, 11, 7, 10, minute++)).toISOString(),
});

describe('groupTransitions', () => {
  it('folds ready ⇄ idle back and forth into one entry, newest group first', () => {
    const history = [
      t(null, 'requested'),
      t('requested', 'launching'),
      t('launching', 'booting'),
      t('booting', 'ready'),
    ];
    for (let i = 0; i < 6; i++) history.push(t('ready', 'idle'), t('idle', 'ready'));
    history.push(t('ready', 'stopping'), t('stopping', 'stopped'));
    const groups = groupTransitions(history);
    expect(groups.map((g) => g.label)).toEqual([
      'stopped from stopping',
      'stopping from ready',
      'ready ⇄ idle ×12',
      'ready from booting',
      'booting from launching',
      'launching from requested',
      'requested',
    ]);
    const folded = groups[2];
    expect(folded?.items).toHaveLength(12);
    expect(folded?.from).toBe(history[4]?.at);
    expect(folded?.to).toBe(history[15]?.at);
  });

  it('folds relaunches, and does not fold changes that do not chain', () => {
    const groups = groupTransitions([
      t('requested', 'launching'),
      t('launching', 'launching'),
      t('launching', 'launching'),
      t('launching', 'booting'),
      t('ready', 'idle'),
    ]);
    expect(groups.map((g) => g.label)).toEqual([
      'idle from ready',
      'booting from launching',
      'launching → launching ×2',
      'launching from requested',
    ]);
  });
});

describe('pageOf', () => {
  it('pages and clamps the page', () => {
    const items = Array.from({ length: 45 }, (_, i) => i);
    expect(pageOf(items, 0, 20)).toEqual({ items: items.slice(0, 20), pages: 3 });
    expect(pageOf(items, 2, 20).items).toEqual([40, 41, 42, 43, 44]);
    expect(pageOf(items, 9, 20).items).toEqual([40, 41, 42, 43, 44]);
    expect(pageOf([], 0, 20)).toEqual({ items: [], pages: 1 });
  });
});
