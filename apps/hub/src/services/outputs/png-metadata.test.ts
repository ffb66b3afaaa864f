import { describe, expect, it } from 'vitest';
import { MAX_OTHER_TEXTS, MAX_STORED_TEXT, pngMetadata } from './png-metadata.js';

describe('pngMetadata', () => {
  it('keeps the known keywords, and any other text raw under texts', () => {
    expect(
      pngMetadata({
        parameters: 'a cat\nSteps: 20, Sampler: Euler a, Seed: 1',
        fooocus_scheme: 'fooocus',
        Description: 'made with InvokeAI',
      }),
    ).toEqual({
      parameters: 'a cat\nSteps: 20, Sampler: Euler a, Seed: 1',
      texts: { fooocus_scheme: 'fooocus', Description: 'made with InvokeAI' },
    });
  });

  it('caps every text on a whole character, and how many others are kept', () => {
    const huge = `${'x'.repeat(MAX_STORED_TEXT - 1)}😀tail`;
    const metadata = pngMetadata({ workflow: huge });
    expect(metadata.workflow).toHaveLength(MAX_STORED_TEXT - 1); // the emoji would be split: left out whole
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v']));
    expect(Object.keys(pngMetadata(many).texts ?? {})).toHaveLength(MAX_OTHER_TEXTS);
  });

  it('makes hostile text storable: no NUL, no lone surrogate', () => {
    const metadata = pngMetadata({ prompt: 'a\u0000b\uD800c', 'we\u0000ird': 'x' });
    expect(metadata.prompt).toBe('ab\uFFFDc');
    expect(Object.keys(metadata.texts ?? {})).toEqual(['weird']);
  });
});
