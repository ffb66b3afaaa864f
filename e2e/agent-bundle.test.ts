import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../scripts/bundle-agent.mjs', import.meta.url));

/**
 * `npm run bundle:agent`: `podpilot agent` in one ESM file for the GPU images. Built into a temp folder outside
 * the repository, so the run below proves the file needs no node_modules.
 */
describe('agent bundle', () => {
  let dir: string;
  let bundle: string;
  let report: string;

  /** Runs the bundle with only PATH and `env`: nothing from the test's own environment. */
  const run = (args: string[], env: Record<string, string> = {}) => {
    const res = spawnSync(process.execPath, [bundle, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: res.status, stdout: res.stdout, stderr: res.stderr };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podpilot-agent-bundle-'));
    bundle = join(dir, 'podpilot-agent.mjs');
    const res = spawnSync(process.execPath, [SCRIPT, bundle], { encoding: 'utf8', timeout: 120_000 });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    report = res.stdout;
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is one ESM file (plus its source map) and reports its size', async () => {
    expect((await readdir(dir)).sort()).toEqual(['podpilot-agent.mjs', 'podpilot-agent.mjs.map']);
    const size = (await readFile(bundle)).length;
    expect(report).toContain(`podpilot-agent.mjs: ${size} bytes`);
    // Some dependencies are CommonJS: the banner gives them `require`.
    const source = await readFile(bundle, 'utf8');
    expect(source.startsWith("import { createRequire } from 'node:module';")).toBe(true);
  });

  it('holds the agent and not the hub', async () => {
    const source = await readFile(bundle, 'utf8');
    expect(source).toContain('PODPILOT_HUB_URL');
    // The hub and its native dependencies have no place in the GPU images.
    expect(source).not.toMatch(/\bsharp\b/);
    expect(source).not.toMatch(/fastify/i);
    // What went in, by the source map: the agent's sources, none of the hub's or of its dependencies.
    const map = JSON.parse(await readFile(`${bundle}.map`, 'utf8')) as { sources: string[] };
    expect(map.sources.some((s) => s.includes('apps/agent/src/runtime/run-agent.ts'))).toBe(true);
    const hubOnly =
      /apps\/hub\/|node_modules\/(sharp|@img|fastify|@fastify|@electric-sql|@node-rs|@aws-sdk|pg|postgrator)\//;
    expect(map.sources.filter((s) => hubOnly.test(s))).toEqual([]);
  });

  it('runs `podpilot agent --help`', () => {
    const res = run(['agent', '--help']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Usage: podpilot agent');
    expect(res.stdout).toContain('run the agent in an instance');
  });

  it('offers only the agent command', () => {
    const res = run(['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^\s+agent\b/m);
    expect(res.stdout).not.toMatch(/^\s+hub\b/m);
  });

  it('stops on a bad setting with one line naming the variable', () => {
    const res = run(['agent'], { PODPILOT_HUB_URL: 'not-a-url' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('PODPILOT_HUB_URL');
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
