import { describe, expect, it } from 'vitest';
import type { Profile } from './profile.schema.js';
import { formatProfileIssue, type ProfileIssue } from './profile-issues.js';
import { MAX_PROFILE_YAML_LENGTH, parseProfileYaml } from './profile-yaml.js';

const COMMIT = '149b015810d018cdee7afbdc579837f605f13e48';

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;
const formatted = (issues: ProfileIssue[]) => issues.map((issue) => formatProfileIssue(issue));

function errorsOf(text: string): string[] {
  const result = parseProfileYaml(text);
  return result.ok ? [] : formatted(result.errors);
}

function profileOf(text: string): Profile {
  const result = parseProfileYaml(text);
  if (!result.ok) throw new Error(formatted(result.errors).join('\n'));
  return result.profile;
}

describe('parseProfileYaml: errors with positions', () => {
  it('points at the offending value', () => {
    const text = lines(
      'name: sdxl-portraits',
      'ui: { kind: comfyui, ref: v0.3.68 }',
      'extensions:',
      '  - url: https://github.com/a/one',
      `    ref: ${COMMIT}`,
      '  - url: https://github.com/a/two',
      `    ref: ${COMMIT}`,
      '  - url: https://github.com/a/three',
      '    ref: main',
    );
    expect(parseProfileYaml(text)).toEqual({
      ok: false,
      errors: [
        { path: 'extensions[2].ref', line: 9, column: 10, message: 'expected a 40-hex commit, got "main"' },
      ],
      warnings: [],
    });
  });

  it('points a missing key at the mapping that lacks it', () => {
    expect(errorsOf(lines('name: x', 'ui:', '  kind: comfyui'))).toEqual([
      '3:3: ui.ref: expected a tag, branch or 40-hex commit, but the key is missing',
    ]);
    expect(errorsOf(lines('# a comment first', 'ui: { kind: comfyui, ref: v1 }'))).toEqual([
      '2:1: name: expected a name of lowercase letters, digits, ".", "_" or "-", starting with a letter or digit, at most 63 characters, but the key is missing',
    ]);
  });

  it('points an unknown key at the key, and an empty value at its key', () => {
    expect(errorsOf(lines('name: x', 'ui:', '  kind: comfyui', '  ref: v1', '  branch: main'))).toEqual([
      '5:3: ui.branch: expected one of the keys kind, ref, repo, command, got "branch"',
    ]);
    expect(errorsOf(lines('name: x', 'ui:', '  kind: comfyui', '  ref:'))).toEqual([
      '4:3: ui.ref: expected a tag, branch or 40-hex commit, got null',
    ]);
  });

  it('lists errors in reading order', () => {
    const text = lines(
      'idle: { minutes: 0 }',
      'name: X',
      'ui: { kind: comfyui, ref: v1 }',
      'env: { HF_TOKEN: 1 }',
    );
    expect(errorsOf(text)).toEqual([
      '1:18: idle.minutes: expected whole minutes from 1 to 1440, got 0',
      '2:7: name: expected a name of lowercase letters, digits, ".", "_" or "-", starting with a letter or digit, at most 63 characters, got "X"',
      '4:18: env.HF_TOKEN: expected a string value (quote numbers and booleans), got 1',
    ]);
  });

  it('follows aliases', () => {
    const text = lines('name: x', 'base: &b { kind: comfyui, ref: "-bad" }', 'ui: *b');
    expect(errorsOf(text)).toEqual([
      '2:1: base: expected one of the keys name, description, ui, extensions, models, files, env, args, outputs, idle, python, got "base"',
      '2:32: ui.ref: expected a tag, branch or 40-hex commit, got "-bad"',
    ]);
  });

  it('turns YAML syntax errors into issues with a line', () => {
    expect(errorsOf(lines('name: x', 'name: y', 'ui: { kind: comfyui, ref: v1 }'))).toEqual([
      '2:1: (root): expected valid YAML: Map keys must be unique',
    ]);
    const unclosed = parseProfileYaml(lines('name: x', 'ui: { kind: comfyui, ref: v1'));
    expect(unclosed.ok).toBe(false);
    expect(unclosed.ok ? [] : unclosed.errors.map((e) => [e.path, e.line])).toEqual([['(root)', 3]]);
    expect(errorsOf(lines('name: x', '---', 'name: y'))).toEqual([
      '2:1: (root): expected valid YAML: Source contains multiple documents; please use YAML.parseAllDocuments()',
    ]);
  });

  it('rejects an empty document, a list and an alias bomb', () => {
    expect(errorsOf('')).toEqual(['1:1: (root): expected a profile mapping, got null']);
    expect(errorsOf('# nothing\n')).toEqual(['1:1: (root): expected a profile mapping, got null']);
    expect(errorsOf('- a\n- b\n')).toEqual([
      '1:1: (root): expected a profile mapping, got a list of 2 items',
    ]);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) {
      const prev = String.fromCharCode(97 + i);
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${prev}`).join(', ')}]`,
      );
    }
    expect(errorsOf(lines(...bomb))[0]).toMatch(/^1:1: \(root\): expected valid YAML: Excessive alias count/);
  });

  it('refuses oversized input before parsing it', () => {
    expect(errorsOf('#'.repeat(MAX_PROFILE_YAML_LENGTH + 1))).toEqual([
      `1:1: (root): expected a profile of at most ${MAX_PROFILE_YAML_LENGTH} characters, got ${MAX_PROFILE_YAML_LENGTH + 1}`,
    ]);
  });

  it('keeps YAML 1.2 scalars: yes/no/on are strings, numbers stay numbers', () => {
    expect(
      profileOf(lines('name: x', 'ui: { kind: comfyui, ref: v1 }', 'env: { A: yes, B: "1" }')).env,
    ).toEqual({
      A: 'yes',
      B: '1',
    });
    expect(errorsOf(lines('name: x', 'ui: { kind: comfyui, ref: v1 }', 'args: [--steps, 20]'))).toEqual([
      '3:17: args[1]: expected a string (quote numbers and booleans), got 20',
    ]);
  });
});

describe('formatProfileIssue', () => {
  const issue = {
    path: 'extensions[2].ref',
    line: 9,
    column: 10,
    message: 'expected a 40-hex commit, got "main"',
  };

  it('reads like a compiler message', () => {
    expect(formatProfileIssue(issue, 'profiles/sdxl.yaml')).toBe(
      'profiles/sdxl.yaml:9:10: extensions[2].ref: expected a 40-hex commit, got "main"',
    );
    expect(formatProfileIssue(issue)).toBe('9:10: extensions[2].ref: expected a 40-hex commit, got "main"');
    expect(formatProfileIssue({ ...issue, line: null, column: null }, 'x.yaml')).toBe(
      'x.yaml: extensions[2].ref: expected a 40-hex commit, got "main"',
    );
    expect(formatProfileIssue({ ...issue, line: null, column: null })).toBe(
      'extensions[2].ref: expected a 40-hex commit, got "main"',
    );
  });
});
