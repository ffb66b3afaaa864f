import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProfileYaml } from '@podpilot/common';
import { afterAll, describe, expect, it } from 'vitest';
import { demoProfileYaml } from '../commands/demo.js';
import { DEMO_COMMAND, DEMO_FILES, writeDemoRepo } from './demo-repo.js';

const root = mkdtempSync(join(tmpdir(), 'podpilot-demo-repo-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Compiled files as tsc leaves them, source-map comment included. */
function sources(name: string, body: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const file of DEMO_FILES)
    writeFileSync(join(dir, file), `// ${file} ${body}\n//# sourceMappingURL=${file}.map`);
  return dir;
}

describe('the demo UI repository', () => {
  it('is made once, yields the same commit while nothing changed, and a new one when a file did', async () => {
    const repo = join(root, 'repo');
    const first = await writeDemoRepo(repo, sources('v1', 'one'));
    expect(first.url).toBe(`file://${repo}`);
    expect(first.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await writeDemoRepo(repo, sources('v1', 'one'))).toEqual(first);
    // Same content in a fresh repository: the same commit (fixed author and dates).
    expect((await writeDemoRepo(join(root, 'elsewhere'), sources('v1', 'one'))).commit).toBe(first.commit);

    const second = await writeDemoRepo(repo, sources('v2', 'two'));
    expect(second.commit).not.toBe(first.commit);
    const clone = join(root, 'clone');
    execFileSync('git', ['clone', '-q', second.url, clone]);
    expect(readFileSync(join(clone, 'demo-webui.js'), 'utf8')).toBe('// demo-webui.js two\n');
    expect(JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')).type).toBe('module');
  });

  it('says which file is missing when the CLI is not built', async () => {
    await expect(writeDemoRepo(join(root, 'none'), join(root, 'empty'))).rejects.toThrow(
      /^demo-webui\.js is missing from .*empty \(build the CLI: npm run build\)$/,
    );
  });

  it('makes a valid profile: the repo at its commit, run by node, stopped when idle', () => {
    const parsed = parseProfileYaml(demoProfileYaml('file:///tmp/demo-ui', 'a'.repeat(40), 5));
    expect(parsed.ok && parsed.profile.ui).toEqual({
      kind: 'comfyui',
      ref: 'a'.repeat(40),
      repo: 'file:///tmp/demo-ui',
      command: DEMO_COMMAND,
    });
    expect(parsed.ok && parsed.profile.idle).toEqual({ minutes: 5, action: 'stop' });
    expect(parsed.ok && parsed.warnings).toEqual([]);
  });
});
