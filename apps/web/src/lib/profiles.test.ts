import { parseProfileYaml } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import {
  diffLineKind,
  issuesByLine,
  NEW_PROFILE_TEMPLATE,
  offsetOf,
  parseProfileRef,
  previousVersion,
  profileRef,
} from './profiles';

describe('issuesByLine', () => {
  it('groups errors and warnings by line and leaves unlocated ones out', () => {
    const byLine = issuesByLine(
      [
        { path: 'ui.kind', line: 3, column: 9, message: 'bad kind' },
        { path: 'x', line: null, column: null, message: 'nowhere' },
      ],
      [{ path: 'ui.ref', line: 3, column: 8, message: 'pin a commit' }],
    );
    expect([...byLine.keys()]).toEqual([3]);
    expect(byLine.get(3)?.errors.map((i) => i.message)).toEqual(['bad kind']);
    expect(byLine.get(3)?.warnings.map((i) => i.message)).toEqual(['pin a commit']);
  });
});

describe('offsetOf', () => {
  const text = 'a: 1\nbb: 2\nccc: 3';
  it('finds a line and column', () => {
    expect(offsetOf(text, 1, 1)).toBe(0);
    expect(offsetOf(text, 2, 1)).toBe(5);
    expect(offsetOf(text, 3, 3)).toBe(13);
  });
  it('clamps to the line and the text', () => {
    expect(offsetOf(text, 2, 99)).toBe(10);
    expect(offsetOf(text, 9, 1)).toBe(text.length);
  });
});

describe('profile refs', () => {
  it('parses name and name@version', () => {
    expect(parseProfileRef('comfyui-sdxl')).toEqual({ name: 'comfyui-sdxl', version: null });
    expect(parseProfileRef('comfyui-sdxl@3')).toEqual({ name: 'comfyui-sdxl', version: 3 });
    expect(parseProfileRef('comfyui-sdxl@x')).toEqual({ name: 'comfyui-sdxl', version: null });
    expect(profileRef('a', 2)).toBe('a@2');
    expect(profileRef('a', null)).toBe('a');
    expect(previousVersion(1)).toBeNull();
    expect(previousVersion(4)).toBe(3);
  });
});

describe('diffLineKind', () => {
  it('classifies unified diff lines', () => {
    expect(diffLineKind('--- a@1')).toBe('header');
    expect(diffLineKind('+++ a@2')).toBe('header');
    expect(diffLineKind('@@ -1,3 +1,3 @@')).toBe('hunk');
    expect(diffLineKind('+  ref: v2')).toBe('added');
    expect(diffLineKind('-  ref: v1')).toBe('removed');
    expect(diffLineKind('   kind: comfyui')).toBe('context');
  });
});

describe('NEW_PROFILE_TEMPLATE', () => {
  it('is a valid profile as it stands', () => {
    const result = parseProfileYaml(NEW_PROFILE_TEMPLATE);
    expect(result.ok).toBe(true);
  });
});
