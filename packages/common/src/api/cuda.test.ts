import { describe, expect, it } from 'vitest';
import { compareCuda, cudaParts } from './cuda.js';

describe('CUDA versions', () => {
  it('compares numerically, not as text', () => {
    expect(compareCuda('12.10', '12.9')).toBeGreaterThan(0);
    expect(compareCuda('11.8', '12.1')).toBeLessThan(0);
    expect(compareCuda('12.4', ' 12.4 ')).toBe(0);
    expect(compareCuda('twelve', '12.4')).toBeNull();
    expect(compareCuda('12.4.1', '12.4')).toBeNull();
  });

  it('reads major.minor only', () => {
    expect(cudaParts('12.8')).toEqual([12, 8]);
    expect(cudaParts('12')).toBeNull();
  });
});
