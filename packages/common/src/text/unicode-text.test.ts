import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cutToCodeUnits,
  hasDeceptiveCharacters,
  loneSurrogateIndex,
  repairAgentText,
  textProblem,
} from './unicode-text.js';

describe('textProblem', () => {
  it('accepts ordinary and astral text in names', () => {
    expect(textProblem('models/ñandú 🦙 模型.safetensors', 'name')).toBeNull();
  });

  it.each([
    ['a\u0000b', 'NUL characters (U+0000), got one at position 2'],
    ['a\ud800b', 'lone surrogate U+D800 at position 2'],
    ['\udc00', 'lone surrogate U+DC00 at position 1'],
    ['🦙\u0007', 'control characters, got U+0007 at position 2'],
    ['a\u0085', 'control characters, got U+0085'],
    ['a\nb', 'control characters, got U+000A'],
    ['evil\u202egnp.exe', 'bidirectional control characters, got U+202E at position 5'],
    ['a\u2066b', 'bidirectional control characters, got U+2066'],
    ['pay\u200bpal', 'zero-width or invisible characters, got U+200B'],
    ['\ufeffname', 'zero-width or invisible characters, got U+FEFF at position 1'],
  ])('refuses %j in a name', (text, message) => {
    expect(textProblem(text, 'name')).toContain(message);
  });

  it('allows tabs, newlines, bidi and invisible characters in free text but not NUL or other controls', () => {
    expect(textProblem('line one\n\tשלום \u202e x\u200b', 'free')).toBeNull();
    expect(textProblem('a\u0000', 'free')).toContain('NUL');
    expect(textProblem('a\u001b[31m', 'free')).toContain('U+001B');
  });
});

describe('repairAgentText', () => {
  it('keeps ANSI escapes and tabs, drops NUL, replaces lone surrogates', () => {
    expect(repairAgentText('\u001b[31mred\u001b[0m\tok')).toBe('\u001b[31mred\u001b[0m\tok');
    expect(repairAgentText('a\u0000b\ud800c\udc00')).toBe('ab\ufffdc\ufffd');
    expect(repairAgentText('🦙')).toBe('🦙');
  });

  it('always yields text without NUL or lone surrogates (full Unicode)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const repaired = repairAgentText(text);
        expect(repaired.includes('\u0000')).toBe(false);
        expect(loneSurrogateIndex(repaired)).toBe(-1);
      }),
    );
  });
});

describe('cutToCodeUnits', () => {
  it('never splits a surrogate pair', () => {
    expect(cutToCodeUnits('ab🦙', 3)).toBe('ab');
    expect(cutToCodeUnits('ab🦙', 4)).toBe('ab🦙');
    expect(cutToCodeUnits('abc', 10)).toBe('abc');
  });

  it('leaves well-formed text well formed at every length', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(40), (text, max) => {
        const cut = cutToCodeUnits(text, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(loneSurrogateIndex(cut)).toBe(-1);
        expect(text.startsWith(cut)).toBe(true);
      }),
    );
  });
});

describe('hasDeceptiveCharacters', () => {
  it('finds bidi and zero-width characters only', () => {
    expect(hasDeceptiveCharacters('out/a\u202eb.png')).toBe(true);
    expect(hasDeceptiveCharacters('out/a\u200db.png')).toBe(true);
    expect(hasDeceptiveCharacters('out/ñ🦙.png')).toBe(false);
  });
});
