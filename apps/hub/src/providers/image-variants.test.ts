import { PODPILOT_VERSION } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { chooseVariant, imageFor, variantOfImage } from './image-variants.js';

describe('image variants', () => {
  it.each([
    ['12.8', 'cu128'],
    ['12.9', 'cu128'],
    ['13.0', 'cu128'],
    ['12.6', 'cu124'],
    ['12.4', 'cu124'],
    ['12.2', 'cu121'],
    ['12.1', 'cu121'],
    ['12.0', null],
    ['11.8', null],
  ] as const)('a host with CUDA %s runs %s at best', (cudaMax, variant) => {
    expect(chooseVariant(cudaMax, null)).toBe(variant);
  });

  it('falls back to cu124 when the host is unknown, and keeps a pinned variant only where it runs', () => {
    expect(chooseVariant(null, null)).toBe('cu124');
    expect(chooseVariant(null, 'cu128')).toBe('cu128');
    expect(chooseVariant('12.8', 'cu121')).toBe('cu121');
    expect(chooseVariant('12.4', 'cu128')).toBeNull();
    expect(chooseVariant('twelve', null)).toBe('cu124');
  });

  it('never picks a variant a UI kind has no image in (Kohya needs torch >= 2.5: no cu121)', () => {
    expect(chooseVariant('12.2', null, 'kohya')).toBeNull();
    expect(chooseVariant('12.2', null, 'comfyui')).toBe('cu121');
    expect(chooseVariant('12.6', null, 'kohya')).toBe('cu124');
    expect(chooseVariant(null, 'cu121', 'kohya')).toBeNull();
    expect(chooseVariant('12.8', 'cu121', 'kohya')).toBeNull();
    expect(chooseVariant(null, null, 'kohya')).toBe('cu124');
  });

  it('launches the immutable tag of the hub version, and reads the variant back from any tag', () => {
    const image = imageFor('ghcr.io/podpilot/podpilot/', 'comfyui', 'cu128');
    expect(image).toBe(`ghcr.io/podpilot/podpilot/comfyui:cu128-${PODPILOT_VERSION}`);
    expect(imageFor('r/p', 'kohya', 'cu124', 'deadbeef')).toBe('r/p/kohya:cu124-deadbeef');
    expect(variantOfImage(image)).toBe('cu128');
    expect(variantOfImage('ghcr.io/podpilot/podpilot/comfyui:cu121')).toBe('cu121');
    expect(variantOfImage('localhost:5000/comfyui:latest')).toBeNull();
  });
});
