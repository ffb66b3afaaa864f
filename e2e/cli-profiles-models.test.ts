import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubProcess, ownerApiToken, startHub } from './support/hub-process.js';

const CLI = fileURLToPath(new URL('../apps/cli/dist/main.js', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../examples/profiles', import.meta.url));
const PASSWORD = 'a long enough owner password';

describe('podpilot login, profile and models verbs against a real hub', () => {
  let hub: HubProcess;
  let dir: string;
  let token: string;

  /** Runs the built CLI with its own config dir, as a user would. */
  const podpilot = (args: string[], input?: string, env: Record<string, string> = {}) => {
    const res = spawnSync(process.execPath, [CLI, ...args], {
      env: {
        ...process.env,
        PODPILOT_CONFIG_DIR: join(dir, 'config'),
        PODPILOT_URL: '',
        PODPILOT_TOKEN: '',
        ...env,
      },
      input,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: res.status, stdout: res.stdout, stderr: res.stderr };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podpilot-cli-verbs-'));
    hub = await startHub();
    token = await ownerApiToken(hub, PASSWORD);
  });
  afterAll(async () => {
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('says how to log in before logging in', () => {
    const res = podpilot(['profile', 'ls']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'podpilot: not logged in: run `podpilot login <hub URL>` (or set PODPILOT_URL and PODPILOT_TOKEN)\n',
    );
  });

  it('logs in with a token on stdin, refusing a wrong one', () => {
    const wrong = podpilot(['login', hub.url], 'pp_wrong');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('unknown or revoked');
    const right = podpilot(['login', hub.url], `${token}\n`);
    expect(right.code).toBe(0);
    expect(right.stdout).toContain(`Logged in to ${hub.url}`);
  });

  it('validates profiles offline, pointing at file, line and column', async () => {
    const ok = podpilot(['profile', 'validate', EXAMPLES], undefined, {
      PODPILOT_CONFIG_DIR: join(dir, 'none'),
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout.match(/: ok \(/g)).toHaveLength(6);
    const broken = join(dir, 'broken.yaml');
    await writeFile(
      broken,
      `name: broken\nui: { kind: comfyui, ref: ${'a'.repeat(40)} }\nextensions:\n  - url: https://github.com/a/b\n    ref: main\n`,
    );
    const bad = podpilot(['profile', 'validate', broken]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${broken}:5:10: extensions[0].ref: expected a 40-hex commit, got "main"`);
  });

  it('applies a folder of profiles once; applying again changes nothing', () => {
    const first = podpilot(['profile', 'apply', EXAMPLES]);
    expect(first.code).toBe(0);
    expect(first.stdout.match(/version 1 created/g)).toHaveLength(6);
    const again = podpilot(['profile', 'apply', EXAMPLES]);
    expect(again.stdout.match(/unchanged \(version 1\)/g)).toHaveLength(6);
    const list = JSON.parse(podpilot(['profile', 'ls', '--json']).stdout) as { name: string }[];
    expect(list.map((p) => p.name)).toEqual([
      'a1111-sd15',
      'comfyui-flux-dev',
      'comfyui-sdxl',
      'fooocus',
      'forge-flux',
      'kohya-lora-training',
    ]);
  });

  it('exports byte-stable YAML, versions a change and diffs it', async () => {
    const exported = podpilot(['profile', 'show', 'comfyui-sdxl', '--yaml']).stdout;
    const file = join(dir, 'comfyui-sdxl.yaml');
    await writeFile(file, exported);
    expect(podpilot(['profile', 'apply', file]).stdout).toContain('unchanged (version 1)');
    await writeFile(file, exported.replace(/^description: .*$/m, 'description: now with a new description'));
    expect(podpilot(['profile', 'apply', file]).stdout).toContain('comfyui-sdxl: version 2 created');
    const diff = podpilot(['profile', 'diff', 'comfyui-sdxl@1', 'comfyui-sdxl@2']);
    expect(diff.stdout).toContain('--- comfyui-sdxl@1\n+++ comfyui-sdxl@2\n');
    expect(diff.stdout).toContain('+description: now with a new description');
    const structured = JSON.parse(
      podpilot(['profile', 'diff', 'comfyui-sdxl@1', 'comfyui-sdxl', '--json']).stdout,
    );
    expect(structured.changes).toEqual([
      expect.objectContaining({ section: 'description', change: 'changed' }),
    ]);
    expect(podpilot(['profile', 'show', 'comfyui-sdxl@9']).stderr).toBe(
      'podpilot: profile comfyui-sdxl@9 not found\n',
    );
  });

  it('pushes a model once, finds it by name, and deletes it', async () => {
    const data = randomBytes(20 * 1024 * 1024);
    const file = join(dir, 'detail-tweaker.safetensors');
    await writeFile(file, data);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const push = podpilot(['models', 'push', file, '--kind', 'lora', '--json']);
    expect(push.code).toBe(0);
    const pushed = JSON.parse(push.stdout);
    expect(pushed).toMatchObject({ sha256, outcome: 'uploaded' });
    expect(pushed.sentParts).toEqual([1]); // at most 200 MiB: the whole file in one PUT
    const again = podpilot(['models', 'push', file, '--kind', 'lora']);
    expect(again.stdout).toContain('already in the library, nothing sent');
    const list = JSON.parse(podpilot(['models', 'ls', '--json']).stdout);
    expect(list).toEqual([
      expect.objectContaining({
        sha256,
        name: 'detail-tweaker',
        status: 'available',
        sizeBytes: data.length,
      }),
    ]);
    const badKind = podpilot(['models', 'push', file, '--kind', 'banana']);
    expect(badKind.code).not.toBe(0);
    expect(badKind.stderr).toContain("option '--kind <kind>' argument 'banana' is invalid");
    expect(podpilot(['models', 'rm', 'detail-tweaker']).stdout).toContain('deleted');
    expect(JSON.parse(podpilot(['models', 'ls', '--json']).stdout)).toEqual([]);
    expect((await readFile(file)).length).toBe(data.length);
  });

  it('pushes a file to storage and lists it', async () => {
    const file = join(dir, 'comfy.settings.json');
    await writeFile(file, '{"Comfy.UseNewMenu": "Top"}\n');
    const push = podpilot(['files', 'push', file, '--as', 'cfg/comfy.settings.json']);
    expect(push.stderr).toBe('');
    expect(push.code).toBe(0);
    expect(push.stdout).toContain('files/cfg/comfy.settings.json (');
    expect(push.stdout).toContain(
      'use it in a profile: files: [{ path: <where in the UI>, storage: files/cfg/comfy.settings.json }]',
    );
    const list = JSON.parse(podpilot(['files', 'ls', '--json']).stdout);
    expect(list).toEqual([expect.objectContaining({ key: 'files/cfg/comfy.settings.json', sizeBytes: 28 })]);
    expect(podpilot(['files', 'ls']).stdout).toMatch(
      /^KEY +SIZE +UPDATED\nfiles\/cfg\/comfy\.settings\.json +28 B +\d{4}-/,
    );
    const bad = podpilot(['files', 'push', file, '--as', '../x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^podpilot: --as: expected a relative path/);
  });

  it('deletes a profile and logs out', () => {
    expect(podpilot(['profile', 'rm', 'fooocus']).stdout).toContain('fooocus: deleted');
    expect(podpilot(['logout']).code).toBe(0);
    expect(podpilot(['profile', 'ls']).code).toBe(1);
  });
});
