import { describe, expect, it } from 'vitest';
import { parseProfileYaml } from './profile-yaml.js';
import { checkRelativePath, controlCharacterIndex } from './safe-path.js';

// Each message class, as the start of the message.
const ABSOLUTE = 'expected a relative path inside the UI folder, got an absolute path';
const HOME = 'expected a relative path inside the UI folder, got a home-directory path';
const PARENT = 'expected a relative path inside the UI folder, got a ".." segment that leaves it';
const BACKSLASH = "expected forward slashes ('/') as separators, got a backslash";
const DOT = 'expected no "." segments';
const EMPTY_SEGMENT = "expected no empty segments ('//')";
const CONTROL = 'expected no control characters';
const ENCODED = 'expected no percent-encoded separators, dots or control characters';
const LOOKALIKE = 'expected no look-alike characters for separators or dots';
const EMPTY = 'expected a relative path inside the UI folder, got an empty path';
const TOO_LONG = 'expected at most 1024 characters';
const GIT = 'expected no ".git" segment (git\'s own folder)';
const BIDI = 'expected no bidirectional control characters';
const INVISIBLE = 'expected no zero-width or invisible characters';
const LONE = 'expected valid Unicode text, got a lone surrogate';

const hostile: [path: string, messageClass: string][] = [
  ['', EMPTY],
  ['a/'.repeat(600), TOO_LONG],
  ['/etc/passwd', ABSOLUTE],
  ['/', ABSOLUTE],
  ['\\Windows\\System32', ABSOLUTE],
  ['C:\\Windows\\win.ini', ABSOLUTE],
  ['C:/Windows/win.ini', ABSOLUTE],
  ['c:relative-to-drive', ABSOLUTE],
  ['//server/share/file', ABSOLUTE],
  ['\\\\server\\share', ABSOLUTE],
  ['\\\\?\\C:\\x', ABSOLUTE],
  ['\\\\.\\pipe\\x', ABSOLUTE],
  ['~/.ssh/authorized_keys', HOME],
  ['~root/.bashrc', HOME],
  ['~', HOME],
  ['..', PARENT],
  ['../x', PARENT],
  ['a/../../x', PARENT],
  ['a/b/..', PARENT],
  ['a/../b', PARENT],
  ['../', PARENT],
  ['..\\x', PARENT],
  ['a\\..\\..\\x', PARENT],
  ['.. /x', PARENT],
  ['..  /x', PARENT],
  ['.. ./x', PARENT],
  ['a/.. ', PARENT],
  ['..\u00a0/x', PARENT],
  ['a\\b', BACKSLASH],
  ['outputs\\', BACKSLASH],
  ['.', DOT],
  ['./x', DOT],
  ['a/./b', DOT],
  ['a/. /b', DOT],
  ['a//b', EMPTY_SEGMENT],
  ['a/b//', EMPTY_SEGMENT],
  ['a\u0000b', CONTROL],
  ['a\nb', CONTROL],
  ['a\rb', CONTROL],
  ['a\tb', CONTROL],
  ['a\u007fb', CONTROL],
  ['a\u0085b', CONTROL],
  ['evil\u202etxt.exe', CONTROL],
  ['%2e%2e/x', ENCODED],
  ['%2E%2E/x', ENCODED],
  ['a/%2e%2e/%2e%2e/x', ENCODED],
  ['..%2fx', ENCODED],
  ['%2e%2e%2fx', ENCODED],
  ['%2fetc/passwd', ENCODED],
  ['a%5c..%5cx', ENCODED],
  ['%252e%252e/x', ENCODED],
  ['%c0%ae%c0%ae/x', ENCODED],
  ['a%00b', ENCODED],
  ['%2e/x', ENCODED],
  ['\u2025/x', LOOKALIKE],
  ['\uff0e\uff0e/x', LOOKALIKE],
  ['a\uff0f..\uff0fx', LOOKALIKE],
  ['\uff0fetc\uff0fpasswd', LOOKALIKE],
  ['a\uff3cb', LOOKALIKE],
  ['%e2%80%a5/x', LOOKALIKE],
  // git's own folder: its config can make git run programs (issue 19).
  ['.git/config', GIT],
  ['.git', GIT],
  ['.git/', GIT],
  ['x/.GIT/hooks', GIT],
  ['custom_nodes/x/.Git/config', GIT],
  ['a/%2egit/config', GIT],
  ['a/%2E%47%49%54/config', GIT],
  ['%252egit/config', GIT],
  ['.git./config', GIT],
  ['.GIT /config', GIT],
  ['.git. . /config', GIT],
  ['.git::$INDEX_ALLOCATION/config', GIT],
  ['GIT~1/config', GIT],
  ['\uff0e\uff47\uff49\uff54/config', GIT],
  // Text that displays as something else.
  ['evil\u200etxt.exe', BIDI],
  ['a/\u061cb', BIDI],
  ['a\u200bb', INVISIBLE],
  ['.g\u200cit/config', INVISIBLE],
  ['a\ufeffb', INVISIBLE],
  ['a\ud800b', LONE],
  ['a%e2%80%8bb', ENCODED],
];

const good = [
  'user/default/comfy.settings.json',
  'config.json',
  'outputs/',
  'output/2024-01-01/',
  '...',
  '.../x',
  'a/.hidden',
  '.config/x.json',
  'models/Stable-diffusion/v1 5 (pruned).safetensors',
  'naïve/日本語/ファイル.txt',
  '100%',
  'a%20b.txt',
  'x..y/z',
  'file.txt:stream-like',
  '.gitignore',
  'a/.gitattributes',
  '.github/workflows/x.yml',
  'git/config',
  'x.git/config',
  '.git-x/y',
  'a/'.repeat(511).slice(0, 1023),
];

describe('checkRelativePath', () => {
  it('has a corpus of at least 40 hostile paths', () => {
    expect(hostile.length).toBeGreaterThanOrEqual(40);
  });

  it.each(hostile)('rejects %j', (path, messageClass) => {
    const message = checkRelativePath(path);
    expect(message).not.toBeNull();
    expect(message?.startsWith(messageClass)).toBe(true);
  });

  it.each(good)('accepts %j', (path) => {
    expect(checkRelativePath(path)).toBeNull();
  });

  it('says exactly what was expected', () => {
    expect(checkRelativePath('/etc/passwd')).toBe(ABSOLUTE);
    expect(checkRelativePath('~/x')).toBe(`${HOME} (starts with "~")`);
    expect(checkRelativePath('a/../../x')).toBe(PARENT);
    expect(checkRelativePath('a\u0000b')).toBe('expected no control characters, got U+0000 at position 2');
    expect(checkRelativePath('a/'.repeat(600))).toBe('expected at most 1024 characters, got 1200');
    expect(checkRelativePath('%2e%2e/x')).toBe(`${ENCODED}, got one that decodes to "../x"`);
    expect(checkRelativePath('\u2025/x')).toBe(`${LOOKALIKE}, got one that normalises to "../x"`);
  });

  it('names the git segment and what a spelling reads as', () => {
    expect(checkRelativePath('x/.GIT/hooks')).toBe(`${GIT}, got ".GIT"`);
    expect(checkRelativePath('a/%2egit/config')).toBe(
      `${GIT}, got ".git" ("a/%2egit/config" reads as "a/.git/config")`,
    );
    expect(checkRelativePath('a\u200bb')).toBe(`${INVISIBLE}, got U+200B at position 2`);
  });

  it('allows exactly 1024 characters', () => {
    expect(checkRelativePath('a'.repeat(1024))).toBeNull();
    expect(checkRelativePath('a'.repeat(1025))).toBe('expected at most 1024 characters, got 1025');
  });
});

describe('controlCharacterIndex', () => {
  it('finds C0, DEL, C1 and bidi overrides and nothing else', () => {
    expect(controlCharacterIndex('plain é 日本')).toBe(-1);
    expect(controlCharacterIndex('ab\u001f')).toBe(2);
    expect(controlCharacterIndex('\u007f')).toBe(0);
    expect(controlCharacterIndex('x\u009f')).toBe(1);
    expect(controlCharacterIndex('x\u2066')).toBe(1);
  });
});

describe("a profile naming git's own folder", () => {
  it.each(['.git/config', 'x/.GIT/hooks/post-checkout', 'a/%2egit/config'])(
    'is refused: files[].path %j',
    (path) => {
      const result = parseProfileYaml(
        `name: p\nui: { kind: comfyui, ref: ${'a'.repeat(40)} }\nfiles:\n  - { path: "${path}", content: "[core]" }\n`,
      );
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors.map((e) => [e.path, e.message.slice(0, GIT.length)])).toEqual([
        ['files[0].path', GIT],
      ]);
    },
  );

  it('is refused in outputs[]', () => {
    const result = parseProfileYaml(
      `name: p\nui: { kind: comfyui, ref: ${'a'.repeat(40)} }\noutputs: [".Git/"]\n`,
    );
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual(['outputs[0]']);
  });
});
