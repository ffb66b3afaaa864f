import { describe, expect, it } from 'vitest';
import { constraintsText } from './constraints.js';

describe('constraintsText', () => {
  it("pins the base's torch family and xformers after the image's own constraints", () => {
    const base = new Map([
      ['torch', '2.5.1+cu124'],
      ['torchvision', '0.20.1'],
      ['xformers', '0.0.28'],
      ['numpy', '1.26.4'],
    ]);
    const text = constraintsText(base, 'torch==2.5.1\n');
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      'torch==2.5.1',
      'torch==2.5.1+cu124',
      'torchvision==0.20.1',
      'xformers==0.0.28',
    ]);
    expect(text).not.toContain('numpy');
    expect(constraintsText(new Map(), null)).toMatch(/^#[^\n]*\n$/);
  });
});
