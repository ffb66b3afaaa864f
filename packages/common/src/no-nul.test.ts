import { describe, expect, it } from 'vitest';
import { profileTextIssues, textIssues } from './no-nul.js';

describe('textIssues', () => {
  it('names every string and key that breaks the rules of its kind, by path', () => {
    const doc = {
      name: 'a\u202eb',
      notes: ['ok', 'x\u0000'],
      'k\u200b': 1,
      deep: { free: 'שלום\u202e\n' },
    };
    const issues = textIssues(doc, (path) => (path[0] === 'deep' ? 'free' : 'name'));
    expect(issues).toEqual([
      { path: ['name'], message: expect.stringContaining('bidirectional control characters, got U+202E') },
      { path: ['notes', 1], message: expect.stringContaining('NUL') },
      { path: ['k\u200b'], message: expect.stringContaining('zero-width') },
    ]);
  });

  it('finds lone surrogates, which PostgreSQL refuses', () => {
    expect(textIssues({ a: 'x\ud800' }, () => 'free')).toEqual([
      { path: ['a'], message: 'expected valid Unicode text, got a lone surrogate U+D800 at position 2' },
    ]);
  });

  it('stops after 20 issues and leaves buffers and class instances alone', () => {
    expect(textIssues(Array(50).fill('\u0000'), () => 'free')).toHaveLength(20);
    expect(textIssues({ b: Buffer.from([0]), d: new Date(0) }, () => 'name')).toEqual([]);
  });
});

describe('profileTextIssues', () => {
  const profile = {
    name: 'p',
    description: 'Arabic: \u202bمرحبا\u202c\tand a note',
    ui: { kind: 'comfyui', ref: 'a'.repeat(40) },
    env: { GREETING: 'x\u200by' },
    args: ['--title', 'שלום\u200f'],
    files: [{ path: 'user/settings.json', content: '{\n\t"a": "\u202e"\n}' }],
  };

  it('lets descriptions, env values, arguments and file contents hold bidi, zero-width, tabs and newlines', () => {
    expect(profileTextIssues(profile)).toEqual([]);
  });

  it('refuses bidi and zero-width characters in names, env keys and paths, and controls everywhere', () => {
    const bad = {
      ...profile,
      name: 'p\u200b',
      env: { 'KEY\u202e': 'v', OK: 'bell\u0007' },
      files: [{ path: 'user/a\u202egnp.json', content: 'x' }],
      extensions: [{ url: 'https://example.com/x.git', ref: 'a'.repeat(40), name: 'ext\u2066' }],
    };
    expect(profileTextIssues(bad).map((i) => i.path.join('.'))).toEqual([
      'name',
      'env.KEY\u202e',
      'env.OK',
      'files.0.path',
      'extensions.0.name',
    ]);
  });
});
