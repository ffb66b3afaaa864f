import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { type Profile, validateProfile } from '@podpilot/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnsafeFilePathError, writeProfileFiles } from './files.js';
import { tempDir } from './test-support/git-repos.js';

let root: string;
let cleanup: () => void;
let uiDir: string;
let outside: string;

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
  uiDir = join(root, 'ComfyUI');
  outside = join(root, 'outside');
  mkdirSync(uiDir);
  mkdirSync(outside);
});
afterEach(() => cleanup());

const base = validateProfile({ name: 'files', ui: { kind: 'comfyui', ref: 'v0.3.68' } });
const baseProfile = base.ok ? base.profile : (undefined as never);

/** A parsed profile with these files; bypasses validation so the agent's own gates are tested. */
function withFiles(files: Array<{ path: string; content?: string; storage?: string }>): Profile {
  return { ...baseProfile, files } as Profile;
}

const SETTINGS = 'user/default/comfy.settings.json';

describe('writeProfileFiles', () => {
  it('writes nested files, then reports them unchanged without touching them', async () => {
    const p = withFiles([
      { path: SETTINGS, content: '{"Comfy.UseNewMenu": "Top"}' },
      { path: 'extra_model_paths.yaml', content: 'a: 1\n' },
    ]);
    expect(await writeProfileFiles(p, uiDir)).toEqual([
      { path: SETTINGS, status: 'written', bytes: 27 },
      { path: 'extra_model_paths.yaml', status: 'written', bytes: 5 },
    ]);
    expect(readFileSync(join(uiDir, SETTINGS), 'utf8')).toBe('{"Comfy.UseNewMenu": "Top"}');
    const before = statSync(join(uiDir, SETTINGS));
    const again = await writeProfileFiles(p, uiDir);
    expect(again.map((r) => r.status)).toEqual(['unchanged', 'unchanged']);
    const after = statSync(join(uiDir, SETTINGS));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('replaces a changed file atomically (new inode by rename, mode kept, no temp files left)', async () => {
    mkdirSync(join(uiDir, 'user/default'), { recursive: true });
    writeFileSync(join(uiDir, SETTINGS), 'old');
    chmodSync(join(uiDir, SETTINGS), 0o600);
    const before = statSync(join(uiDir, SETTINGS));
    const [result] = await writeProfileFiles(withFiles([{ path: SETTINGS, content: 'new content' }]), uiDir);
    expect(result?.status).toBe('written');
    const after = statSync(join(uiDir, SETTINGS));
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o600);
    expect(readFileSync(join(uiDir, SETTINGS), 'utf8')).toBe('new content');
    expect(readdirSync(join(uiDir, 'user/default'))).toEqual(['comfy.settings.json']);
  });

  it.each([
    ['../escape.json', /"\.\." segment/],
    ['/etc/passwd', /absolute path/],
    ['user/../../escape.json', /"\.\." segment/],
    ['%2e%2e/escape.json', /percent-encoded/],
  ])('refuses %s before writing anything', async (path, message) => {
    const p = withFiles([
      { path: 'first.txt', content: 'x' },
      { path, content: 'x' },
    ]);
    const error = await writeProfileFiles(p, uiDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeFilePathError);
    expect((error as Error).message).toContain(JSON.stringify(path));
    expect((error as Error).message).toMatch(message);
    expect(existsSync(join(uiDir, 'first.txt'))).toBe(false);
    expect(existsSync(join(root, 'escape.json'))).toBe(false);
  });

  it('refuses a path through a symlink that leads outside the UI folder', async () => {
    symlinkSync(outside, join(uiDir, 'evil'));
    const error = await writeProfileFiles(withFiles([{ path: 'evil/a.json', content: '{}' }]), uiDir).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnsafeFilePathError);
    expect((error as Error).message).toContain('"evil/a.json"');
    expect((error as Error).message).toContain('outside the UI folder');
    expect(readdirSync(outside)).toEqual([]);
    // Deeper too: a link to outside in the middle of a longer path.
    mkdirSync(join(uiDir, 'user'));
    symlinkSync(outside, join(uiDir, 'user', 'default'));
    await expect(
      writeProfileFiles(withFiles([{ path: `${SETTINGS}`, content: '{}' }]), uiDir),
    ).rejects.toThrow(UnsafeFilePathError);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('follows a symlink that stays inside the UI folder', async () => {
    mkdirSync(join(uiDir, 'real'));
    symlinkSync(join(uiDir, 'real'), join(uiDir, 'alias'));
    await writeProfileFiles(withFiles([{ path: 'alias/a.json', content: '{}' }]), uiDir);
    expect(readFileSync(join(uiDir, 'real/a.json'), 'utf8')).toBe('{}');
  });

  it('refuses to write through a symlink at the file itself', async () => {
    writeFileSync(join(outside, 'target.json'), 'precious');
    symlinkSync(join(outside, 'target.json'), join(uiDir, 'link.json'));
    symlinkSync(join(uiDir, 'nowhere.json'), join(uiDir, 'dangling.json'));
    for (const path of ['link.json', 'dangling.json']) {
      const error = await writeProfileFiles(withFiles([{ path, content: 'x' }]), uiDir).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UnsafeFilePathError);
      expect((error as Error).message).toBe(
        `files[].path "${path}": is a symlink; PodPilot does not write through links`,
      );
    }
    expect(readFileSync(join(outside, 'target.json'), 'utf8')).toBe('precious');
    expect(existsSync(join(uiDir, 'nowhere.json'))).toBe(false);
  });

  it('refuses a folder where the file should be, or a file where a folder should be', async () => {
    mkdirSync(join(uiDir, 'taken'));
    writeFileSync(join(uiDir, 'plain'), 'x');
    await expect(writeProfileFiles(withFiles([{ path: 'taken', content: 'x' }]), uiDir)).rejects.toThrow(
      'not a regular file',
    );
    await expect(
      writeProfileFiles(withFiles([{ path: 'plain/a.json', content: 'x' }]), uiDir),
    ).rejects.toThrow('plain is not a folder');
  });

  it('reads storage content through readStorage, and needs it', async () => {
    const p = withFiles([
      { path: 'inline.txt', content: 'inline' },
      { path: 'big.bin', storage: 'files/big.bin' },
    ]);
    await expect(writeProfileFiles(p, uiDir)).rejects.toThrow(
      'files[].path "big.bin": its content is in storage (files/big.bin) but no storage reader was given',
    );
    expect(existsSync(join(uiDir, 'inline.txt'))).toBe(false);
    const keys: string[] = [];
    const readStorage = async (key: string) => {
      keys.push(key);
      return Buffer.from([0, 1, 2, 255]);
    };
    const results = await writeProfileFiles(p, uiDir, readStorage);
    expect(results.map((r) => r.status)).toEqual(['written', 'written']);
    expect(keys).toEqual(['files/big.bin']);
    expect(readFileSync(join(uiDir, 'big.bin'))).toEqual(Buffer.from([0, 1, 2, 255]));
    expect((await writeProfileFiles(p, uiDir, readStorage))[1]?.status).toBe('unchanged');
  });
});
