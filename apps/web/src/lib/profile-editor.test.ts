import { describe, expect, it } from 'vitest';
import { editorErrors, issueSummary, nameFromText, nameLine } from './profile-editor';

describe('nameLine and nameFromText', () => {
  it('find the top-level name', () => {
    const text = '# a profile\nname: "sdxl-base"\nui:\n  name: nested\n';
    expect(nameLine(text.split('\n'))).toBe(2);
    expect(nameFromText(text)).toBe('sdxl-base');
  });

  it('fall back to line 1 and null', () => {
    expect(nameLine(['ui:', '  name: nested'])).toBe(1);
    expect(nameFromText('ui:\n  name: nested\n')).toBeNull();
  });
});

describe('editorErrors', () => {
  const checked = { text: 'description: x\nname: other\n', name: 'other', errors: [] };

  it("flags a name that is not the edited profile's, at its line", () => {
    expect(editorErrors(checked, 'mine')).toEqual([
      expect.objectContaining({
        path: 'name',
        line: 2,
        column: 1,
        message: expect.stringContaining('"mine"'),
      }),
    ]);
  });

  it("keeps the parser's errors and accepts a new profile's name", () => {
    const error = { path: 'ui', line: 3, column: 1, message: 'Required' };
    expect(editorErrors({ ...checked, errors: [error] }, 'mine')).toEqual([error]);
    expect(editorErrors(checked, null)).toEqual([]);
    expect(editorErrors(checked, 'other')).toEqual([]);
  });
});

describe('issueSummary', () => {
  it('counts errors and warnings', () => {
    expect(issueSummary(0, 0)).toBe('No problems found.');
    expect(issueSummary(1, 0)).toBe('1 error');
    expect(issueSummary(2, 1)).toBe('2 errors, 1 warning');
    expect(issueSummary(0, 3)).toBe('3 warnings');
  });
});
