import { describe, expect, it } from 'vitest';
import {
  baseName,
  dayOf,
  dayToIso,
  hasFilters,
  isImage,
  outputsQueryParams,
  parseOutputsSearch,
} from './outputs-search';

const ID = '0b6f4a36-9a7e-4a53-9a0c-3f1f0f7d2c11';

describe('parseOutputsSearch', () => {
  it('keeps valid params and drops the rest', () => {
    expect(
      parseOutputsSearch({
        instance: ID.toUpperCase(),
        profile: 'comfyui-sdxl',
        since: '2026-11-01',
        until: '2026-11-28T10:00:00Z',
        q: '  lighthouse ',
        view: 'nope',
        extra: 'x',
      }),
    ).toEqual({
      instance: ID,
      profile: 'comfyui-sdxl',
      since: '2026-11-01',
      until: '2026-11-28T10:00:00Z',
      q: 'lighthouse',
    });
  });

  it('reads numbers the router parsed back as text, and ignores junk', () => {
    expect(parseOutputsSearch({ q: 1234, instance: 'abc', since: 'yesterday', profile: ['x'] })).toEqual({
      q: '1234',
    });
  });
});

describe('outputsQueryParams', () => {
  it('turns days into local midnights, the until day inclusive', () => {
    const params = outputsQueryParams({ since: '2026-11-01', until: '2026-11-02', q: 'fox' }, 'c1', 48);
    expect(params.get('since')).toBe(new Date(2026, 10, 1).toISOString());
    expect(params.get('until')).toBe(new Date(2026, 10, 3).toISOString());
    expect(params.get('q')).toBe('fox');
    expect(params.get('limit')).toBe('48');
    expect(params.get('cursor')).toBe('c1');
    expect(params.has('instance')).toBe(false);
  });

  it('passes ISO times on as they are', () => {
    const params = outputsQueryParams({ since: '2026-11-01T10:00:00Z' }, null, 10);
    expect(params.get('since')).toBe('2026-11-01T10:00:00Z');
    expect(params.has('cursor')).toBe(false);
  });
});

describe('helpers', () => {
  it('knows when the list is filtered', () => {
    expect(hasFilters({})).toBe(false);
    expect(hasFilters({ view: ID })).toBe(false);
    expect(hasFilters({ q: 'x' })).toBe(true);
  });

  it('gives the day of a filter value', () => {
    expect(dayOf('2026-11-05')).toBe('2026-11-05');
    expect(dayOf(dayToIso('2026-11-05'))).toBe('2026-11-05');
    expect(dayOf(undefined)).toBe('');
  });

  it('names files and tells images apart', () => {
    expect(baseName('outputs/2026-11-28/00001.png')).toBe('00001.png');
    expect(baseName('x.png')).toBe('x.png');
    expect(isImage('image/png', 'a.bin')).toBe(true);
    expect(isImage(null, 'a.JPG')).toBe(true);
    expect(isImage(null, 'a.mp4')).toBe(false);
  });
});
