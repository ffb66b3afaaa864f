import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputsOnHub, type SyncedFile, sha256, treeOf } from '../apps/cli/src/test-support/outputs-hub.js';
import type { Db } from '../apps/hub/src/db/db.js';
import { migrate } from '../apps/hub/src/db/migrate.js';
import { openPglite } from '../apps/hub/src/db/pglite.js';
import { appWithOwner, type TestHub } from '../apps/hub/src/test-support/app.js';

const CLI = fileURLToPath(new URL('../apps/cli/dist/main.js', import.meta.url));

describe('podpilot outputs ls and pull against a real hub', () => {
  let db: Db;
  let hub: TestHub & { cookie: string };
  let token: string;
  let dir: string;
  let studio: { id: string; synced: SyncedFile[] };
  let lab: { id: string; synced: SyncedFile[] };

  /** Runs the built CLI (asynchronously: the hub answers from this process). */
  const podpilot = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: {
          ...process.env,
          PODPILOT_CONFIG_DIR: join(dir, 'config'),
          PODPILOT_URL: hub.url,
          PODPILOT_TOKEN: token,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podpilot-cli-outputs-'));
    db = await openPglite();
    await migrate(db);
    hub = await appWithOwner(db);
    const [owner] = await db.query<{ id: string; username: string }>('select id, username from users');
    token = (await hub.services.apiTokens.create(owner as { id: string; username: string }, 'e2e')).token;
    const { launch, sync } = outputsOnHub(hub, db);
    const s = await launch('studio');
    studio = {
      id: s.id,
      synced: await sync(s.token, [
        { path: 'output/portrait_00001_.png', bytes: randomBytes(1_500_000) },
        { path: 'output/portrait_00002_.png', bytes: randomBytes(40_000) },
      ]),
    };
    const l = await launch('lab');
    lab = {
      id: l.id,
      synced: await sync(l.token, [{ path: 'output/test.txt', bytes: Buffer.from('hello') }]),
    };
    // A rewrite: version 2 of the same path.
    lab.synced.push(
      ...(await sync(l.token, [{ path: 'output/test.txt', bytes: Buffer.from('hello again') }])),
    );
  });
  afterAll(async () => {
    await hub?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists outputs newest first, as JSON and as a table, with filters', async () => {
    const json = await podpilot(['outputs', 'ls', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const list = JSON.parse(json.stdout) as { path: string; version: number; instanceName: string }[];
    expect(list.map((o) => `${o.instanceName}:${o.path}@${o.version}`)).toEqual([
      'lab:output/test.txt@2',
      'lab:output/test.txt@1',
      'studio:output/portrait_00002_.png@1',
      'studio:output/portrait_00001_.png@1',
    ]);
    const limited = JSON.parse((await podpilot(['outputs', 'ls', '--json', '--limit', '1'])).stdout);
    expect(limited).toHaveLength(1);
    const byName = JSON.parse((await podpilot(['outputs', 'ls', '--json', '--instance', 'studio'])).stdout);
    expect(byName).toHaveLength(2);

    const table = await podpilot(['outputs', 'ls', '--since', '1h']);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+CREATED\s+INSTANCE\s+PATH\s+VERSION\s+SIZE$/);
    expect(lines[1]).toMatch(/^[0-9a-f-]{36}\s+\S+Z\s+lab\s+output\/test\.txt\s+2\s+11 B$/);
    expect(lines).toHaveLength(5);
    expect((await podpilot(['outputs', 'ls', '--since', '2030-01-01'])).stdout).toBe('No outputs match.\n');

    const bad = await podpilot(['outputs', 'ls', '--since', 'yesterday']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^podpilot: --since: expected an ISO time .* got "yesterday"\n$/);
  });

  it('pulls everything into DIR/<instance>/<path>, then skips it all; a damaged file comes again', async () => {
    const out = join(dir, 'pulled');
    const first = await podpilot(['outputs', 'pull', out, '--parallel', '2']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('pulled 4 files (1.5 MiB), skipped 0 already present, 0 failed\n');
    // Not a terminal: no progress bar.
    expect(first.stderr).toBe('');
    const [p1, p2] = studio.synced;
    const [t1, t2] = lab.synced;
    const want = {
      'studio/output/portrait_00001_.png': sha256(p1?.bytes as Buffer),
      'studio/output/portrait_00002_.png': sha256(p2?.bytes as Buffer),
      'lab/output/test.txt': sha256(t1?.bytes as Buffer),
      'lab/output/test.v2.txt': sha256(t2?.bytes as Buffer),
    };
    expect(await treeOf(out)).toEqual(want);

    const again = await podpilot(['outputs', 'pull', out]);
    expect(again.stdout).toBe('pulled 0 files (0.0 MiB), skipped 4 already present, 0 failed\n');

    await writeFile(join(out, 'lab/output/test.txt'), 'HELLO');
    const repaired = await podpilot([
      'outputs',
      'pull',
      out,
      '--instance',
      lab.id,
      '--since',
      '7d',
      '--json',
    ]);
    expect(repaired.code, repaired.stderr).toBe(0);
    const result = JSON.parse(repaired.stdout);
    expect(result.pulled).toEqual([expect.objectContaining({ file: 'lab/output/test.txt', sizeBytes: 5 })]);
    expect(result.skipped).toHaveLength(1);
    expect(await treeOf(out)).toEqual(want);
  });

  it('fails clearly when a stored file does not match its sha256, after pulling the rest', async () => {
    const out = join(dir, 'broken');
    await hub.storage.put(`outputs/${studio.id}/output/portrait_00002_.png`, randomBytes(40_000));
    const res = await podpilot(['outputs', 'pull', out, '--instance', studio.id]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^pulled 1 files \(1\.4 MiB\), skipped 0 already present, 1 failed\n$/);
    expect(res.stderr).toContain('podpilot: 1 file could not be pulled (run again to retry):\n');
    expect(res.stderr).toMatch(
      /studio\/output\/portrait_00002_\.png: sha256 mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64}/,
    );
  });

  it('moves outputs to the trash by id or filter, lists the trash, and restores them', async () => {
    const [first] = JSON.parse(
      (await podpilot(['outputs', 'ls', '--instance', studio.id, '--json'])).stdout,
    ) as {
      id: string;
    }[];
    const byId = await podpilot(['outputs', 'rm', first?.id ?? '']);
    expect(byId.code, byId.stderr).toBe(0);
    expect(byId.stdout).toMatch(/^moved 1 output to the trash; restorable until \S+Z/);
    const trash = JSON.parse((await podpilot(['outputs', 'ls', '--deleted', '--json'])).stdout);
    expect(trash.map((o: { id: string }) => o.id)).toEqual([first?.id]);

    // A filter's result needs --yes when nobody can be asked; nothing or both is refused.
    const unasked = await podpilot(['outputs', 'rm', '--instance', 'lab']);
    expect(unasked.code).toBe(1);
    expect(unasked.stderr).toMatch(/without --yes/);
    expect((await podpilot(['outputs', 'rm'])).stderr).toMatch(/give output ids .* or at least one filter/);
    expect((await podpilot(['outputs', 'rm', first?.id ?? '', '--instance', 'lab'])).stderr).toMatch(
      /not both/,
    );
    const filtered = JSON.parse(
      (await podpilot(['outputs', 'rm', '--instance', 'lab', '--yes', '--json'])).stdout,
    );
    expect(filtered.deleted).toBe(2);
    expect(JSON.parse((await podpilot(['outputs', 'ls', '--json'])).stdout)).toHaveLength(1);

    const ids = JSON.parse((await podpilot(['outputs', 'ls', '--deleted', '--json'])).stdout).map(
      (o: { id: string }) => o.id,
    );
    const restored = await podpilot(['outputs', 'restore', ...ids]);
    expect(restored.stdout).toBe('restored 3 outputs\n');
    expect(JSON.parse((await podpilot(['outputs', 'ls', '--json'])).stdout)).toHaveLength(4);
  });
});
