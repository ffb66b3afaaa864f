import { describe, expect, it } from 'vitest';
import { OfferMemory } from './offer-memory.js';

describe('OfferMemory', () => {
  it('knows what the last search said of an offer, per provider, for six hours', () => {
    let now = 0;
    const memory = new OfferMemory(() => now);
    memory.remember('vastai', [
      { id: '1', cudaMax: '12.2' },
      { id: '2', cudaMax: null },
    ]);
    expect(memory.cudaMax('vastai', '1')).toBe('12.2');
    expect(memory.cudaMax('vastai', '2')).toBeNull(); // listed, CUDA not given
    expect(memory.cudaMax('vastai', '3')).toBeUndefined(); // never listed
    expect(memory.cudaMax('runpod', '1')).toBeUndefined();

    now = 3600_000;
    memory.remember('vastai', [{ id: '1', cudaMax: '12.8' }]); // the host's driver was updated
    expect(memory.cudaMax('vastai', '1')).toBe('12.8');

    now = 6 * 3600_000 + 1;
    expect(memory.cudaMax('vastai', '2')).toBeUndefined(); // too old to trust
    expect(memory.cudaMax('vastai', '1')).toBe('12.8');
  });

  it('stays bounded, forgetting the oldest first', () => {
    const memory = new OfferMemory();
    const many = Array.from({ length: 20_005 }, (_, i) => ({ id: String(i), cudaMax: '12.4' }));
    memory.remember('vastai', many);
    expect(memory.cudaMax('vastai', '0')).toBeUndefined();
    expect(memory.cudaMax('vastai', '4')).toBeUndefined();
    expect(memory.cudaMax('vastai', '5')).toBe('12.4');
    expect(memory.cudaMax('vastai', '20004')).toBe('12.4');
  });
});
