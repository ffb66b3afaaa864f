import { describe, expect, it } from 'vitest';
import { NAME_MESSAGE as NAME, parsed, problems } from './test-support/validation.js';

// Rules of files, env, args, outputs and idle; the document, ui, extensions and models are in profile.schema.test.ts.

const COMMIT = '149b015810d018cdee7afbdc579837f605f13e48';

type Loose = Record<string, unknown>;
const base = (extra: Loose = {}): Loose => ({
  name: 'sdxl-portraits',
  ui: { kind: 'comfyui', ref: COMMIT },
  ...extra,
});

const REF = 'expected a tag, branch or 40-hex commit';
const STORAGE = 'expected a storage key such as models/sha256/<hex>';
const ENV_NAME =
  'expected an environment variable name of letters, digits and "_", not starting with a digit';
const MINUTES = 'expected whole minutes from 1 to 1440';

describe('Profile: files', () => {
  const file = (extra: Loose = {}): Loose => ({
    path: 'user/default/comfy.settings.json',
    content: '{}',
    ...extra,
  });

  it('requires a safe relative file path', () => {
    expect(problems(base({ files: [file({ path: '../etc/passwd' })] }))).toEqual([
      'files[0].path: expected a relative path inside the UI folder, got a ".." segment that leaves it',
    ]);
    expect(problems(base({ files: [file({ path: '/etc/passwd' })] }))).toEqual([
      'files[0].path: expected a relative path inside the UI folder, got an absolute path',
    ]);
    expect(problems(base({ files: [file({ path: 'user/' })] }))).toEqual([
      'files[0].path: expected a file path, got a folder path (ends with "/")',
    ]);
    expect(problems(base({ files: [{ content: 'x' }] }))).toEqual([
      'files[0].path: expected a relative path inside the UI folder, but the key is missing',
    ]);
  });

  it('requires exactly one of content or storage', () => {
    expect(problems(base({ files: [file({ storage: 'files/x' })] }))).toEqual([
      'files[0]: expected exactly one of content or storage, got both',
    ]);
    expect(problems(base({ files: [{ path: 'a' }] }))).toEqual([
      'files[0]: expected exactly one of content or storage, got neither',
    ]);
    expect(parsed(base({ files: [{ path: 'big.json', storage: 'files/big.json' }] })).files).toEqual([
      { path: 'big.json', storage: 'files/big.json' },
    ]);
  });

  it('checks content and storage', () => {
    expect(problems(base({ files: [file({ content: 42 })] }))).toEqual([
      'files[0].content: expected the file content as a string, got 42',
    ]);
    expect(problems(base({ files: [file({ content: 'x'.repeat(1024 * 1024 + 1) })] }))).toEqual([
      'files[0].content: expected at most 1048576 characters (put bigger files in storage), got 1048577 characters',
    ]);
    expect(problems(base({ files: [{ path: 'a', storage: '/abs' }] }))).toEqual([
      `files[0].storage: ${STORAGE}, got "/abs"`,
    ]);
  });

  it('requires unique paths', () => {
    expect(problems(base({ files: [file(), file()] }))).toEqual([
      'files[1].path: expected a unique file path, got "user/default/comfy.settings.json" again (first at files[0])',
    ]);
  });
});

describe('Profile: env, args, outputs, idle', () => {
  it('checks env names and values', () => {
    expect(problems(base({ env: { '1ABC': 'x' } }))).toEqual([`env["1ABC"]: ${ENV_NAME}, got "1ABC"`]);
    expect(problems(base({ env: { 'MY-VAR': 'x' } }))).toEqual([`env.MY-VAR: ${ENV_NAME}, got "MY-VAR"`]);
    expect(problems(base({ env: JSON.parse('{"__proto__": "x"}') }))).toEqual([
      `env.__proto__: ${ENV_NAME}, got "__proto__"`,
    ]);
    expect(problems(base({ env: { FOO: 1 } }))).toEqual([
      'env.FOO: expected a string value (quote numbers and booleans), got 1',
    ]);
    expect(problems(base({ env: { FOO: true } }))).toEqual([
      'env.FOO: expected a string value (quote numbers and booleans), got true',
    ]);
    expect(problems(base({ env: { FOO: 'a\u0000b' } }))).toEqual([
      'env.FOO: expected no NUL characters (they cannot reach a process), got "a\\u0000b"',
    ]);
    expect(problems(base({ env: ['A=1'] }))).toEqual([
      'env: expected a mapping of environment variables, got a list of 1 item',
    ]);
    expect(parsed(base({ env: { _private: '', A1: 'x' } })).env).toEqual({ _private: '', A1: 'x' });
  });

  it('checks args', () => {
    expect(problems(base({ args: '--lowvram' }))).toEqual([
      'args: expected a list of arguments, got "--lowvram"',
    ]);
    expect(problems(base({ args: ['--steps', 20] }))).toEqual([
      'args[1]: expected a string (quote numbers and booleans), got 20',
    ]);
    expect(problems(base({ args: ['a\u0000'] }))).toEqual([
      'args[0]: expected no NUL characters (they cannot reach a process), got "a\\u0000"',
    ]);
  });

  it('checks outputs', () => {
    expect(problems(base({ outputs: ['output/', '../elsewhere/'] }))).toEqual([
      'outputs[1]: expected a relative path inside the UI folder, got a ".." segment that leaves it',
    ]);
    expect(problems(base({ outputs: ['output/', 'output/'] }))).toEqual([
      'outputs[1]: expected a unique output path, got "output/" again (first at outputs[0])',
    ]);
    expect(problems(base({ outputs: 'output/' }))).toEqual([
      'outputs: expected a list of output paths, got "output/"',
    ]);
  });

  it('checks idle and fills in its defaults', () => {
    expect(problems(base({ idle: { minutes: 0 } }))).toEqual([`idle.minutes: ${MINUTES}, got 0`]);
    expect(problems(base({ idle: { minutes: 1441 } }))).toEqual([`idle.minutes: ${MINUTES}, got 1441`]);
    expect(problems(base({ idle: { minutes: 2.5 } }))).toEqual([`idle.minutes: ${MINUTES}, got 2.5`]);
    expect(problems(base({ idle: { minutes: '20' } }))).toEqual([`idle.minutes: ${MINUTES}, got "20"`]);
    expect(problems(base({ idle: { action: 'pause' } }))).toEqual([
      'idle.action: expected an idle action: stop or destroy, got "pause"',
    ]);
    expect(problems(base({ idle: { minutes: 5, after: 1 } }))).toEqual([
      'idle.after: expected one of the keys minutes, action, got "after"',
    ]);
    expect(parsed(base({ idle: { minutes: 5 } })).idle).toEqual({ minutes: 5, action: 'stop' });
    expect(parsed(base({ idle: { action: 'destroy' } })).idle).toEqual({ minutes: 30, action: 'destroy' });
    expect(parsed(base({ idle: { minutes: 1440 } })).idle.minutes).toBe(1440);
  });

  it('reports every problem at once, one per path', () => {
    expect(
      problems(base({ name: 'X', ui: { kind: 'comfyui', ref: '-x' }, idle: { minutes: 0 }, env: { A: 1 } })),
    ).toEqual([
      `name: ${NAME}, got "X"`,
      `ui.ref: ${REF}, got "-x"`,
      'env.A: expected a string value (quote numbers and booleans), got 1',
      `idle.minutes: ${MINUTES}, got 0`,
    ]);
  });
});
