import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OutputPath } from '@podpilot/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childPath, isIgnoredName, resolveFolders } from './paths.js';
import { scanFolders } from './scanner.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'podpilot-scan-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function write(rel: string, content = 'x'): Promise<void> {
  await mkdir(dirname(join(root, rel)), { recursive: true });
  await writeFile(join(root, rel), content);
}

describe('scanFolders', () => {
  it('reports every file with its stat, skipping temp and dot entries, not following linked folders', async () => {
    await write('output/a.png', 'aaa');
    await write('output/2026/11/b.png');
    await write('output/.thumbs/c.png');
    await write('output/d.png.tmp');
    await write('output/bad\\name.png');
    await write('elsewhere/e.png');
    await symlink(join(root, 'elsewhere'), join(root, 'output', 'linked-dir'));
    await symlink(join(root, 'elsewhere', 'e.png'), join(root, 'output', 'linked.png'));
    const files: [string, number][] = [];
    const skipped: string[] = [];
    const dirs: string[] = [];
    const result = await scanFolders(resolveFolders(root, ['output/', 'missing']), {
      file: (rel, _abs, st) => files.push([rel, st.size]),
      dir: (_abs, rel) => dirs.push(rel),
      skipped: (rel, reason) => skipped.push(`${rel}: ${reason}`),
    });
    expect(files.sort()).toEqual([
      ['output/2026/11/b.png', 1],
      ['output/a.png', 3],
      ['output/linked.png', 1],
    ]);
    expect(skipped).toEqual(['output/bad\\name.png: its name contains a control character or a backslash']);
    expect(dirs.sort()).toEqual(['output', 'output/2026', 'output/2026/11']);
    expect(result).toEqual({ files: 3, dirs: 3 });
  });
});

describe('output paths', () => {
  it('accepts exactly the names the hub accepts', () => {
    const names = [
      'a.png',
      'ünïcode ✓.png',
      'sp ace',
      'tab\there',
      'nl\nx',
      'bs\\x',
      'del\u007f',
      'c1\u0085',
      'ok-_.~x',
    ];
    for (const name of names) {
      const child = childPath('output/2026', name);
      expect('rel' in child, name).toBe(OutputPath.safeParse(`output/2026/${name}`).success);
    }
    expect('error' in childPath('output', 'x'.repeat(1100))).toBe(true);
  });

  it('ignores dot-files and temp files', () => {
    for (const name of ['.DS_Store', '.x.png', 'a.tmp', 'a.PART', 'a.crdownload', 'notes.txt~'])
      expect(isIgnoredName(name), name).toBe(true);
    for (const name of ['a.png', 'part.png', 'tmp', 'a.mp4']) expect(isIgnoredName(name), name).toBe(false);
  });

  it('resolves output folders inside the UI folder only, each file under one of them', () => {
    expect(resolveFolders('/ui', ['output/', './output/sub', 'models/../input'])).toEqual([
      { abs: '/ui/input', rel: 'input' },
      { abs: '/ui/output', rel: 'output' },
    ]);
    expect(resolveFolders('/ui', ['.'])).toEqual([{ abs: '/ui', rel: '' }]);
    expect(() => resolveFolders('/ui', ['../elsewhere'])).toThrow(/inside the UI folder/);
    expect(() => resolveFolders('/ui', ['/abs'])).toThrow(/relative/);
  });
});
