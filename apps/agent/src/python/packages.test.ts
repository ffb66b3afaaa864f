import { describe, expect, it } from 'vitest';
import { overlayPins, parsePackageList } from './packages.js';

describe('package lists', () => {
  it('normalises names and lists what the overlay adds or changes', () => {
    const own = parsePackageList(
      '[["Opencv_Python","4.10.0"],["pip","24.0"],["numpy","2.0.0"],["same","1"]]',
    );
    const base = parsePackageList('[["numpy","1.26.4"],["same","1"]]');
    expect(overlayPins(own, base)).toEqual(['numpy==2.0.0', 'opencv-python==4.10.0']);
  });
});
