import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnerHub } from '../../../hub/src/test-support/app.js';
import { type TestDatabase, testDatabases } from '../../../hub/src/test-support/databases.js';
import { outputsOnHub, type SyncedFile, sha256, treeOf } from '../test-support/outputs-hub.js';
import { HubClient } from './hub-client.js';
import { instanceFolders, pullOutputs, targetPath, versionedPath } from './outputs-pull.js';
import { listOutputs } from './outputs-query.js';

const [pglite] = testDatabases();

describe('versionedPath and targetPath', () => {
  it('puts the version before the extension', () => {
    expect(versionedPath('out/a.png', 1)).toBe('out/a.png');
    expect(versionedPath('out/a.png', 3)).toBe('out/a.v3.png');
    expect(versionedPath('out/a.tar.gz', 2)).toBe('out/a.tar.v2.gz');
    expect(versionedPath('out.d/README', 2)).toBe('out.d/README.v2');
    expect(versionedPath('.env', 2)).toBe('.env.v2');
  });

  it('keeps every file inside the folder', () => {
    expect(targetPath('/tmp/pull', 'box', 'out/a.png')).toBe('/tmp/pull/box/out/a.png');
    for (const bad of ['../x', 'out/../../x', '/etc/passwd', 'a//b', 'a\\..\\b', './a'])
      expect(() => targetPath('/tmp/pull', 'box', bad), bad).toThrow(/refusing the path/);
    expect(() => targetPath('/tmp/pull', '..', 'a')).toThrow(/refusing/);
  });

  it('never writes a .git folder, a misleading name or one too long for the disk under its own name', () => {
    expect(targetPath('/tmp/pull', 'box', 'out/.git/config')).toMatch(
      /^\/tmp\/pull\/box\/out\/~[0-9a-f]{12}\/config$/,
    );
    expect(targetPath('/tmp/pull', 'box', 'out/.GIT/config')).not.toContain('.GIT');
    expect(targetPath('/tmp/pull', 'box', 'out/evil\u202egnp.png')).toMatch(/\/out\/~[0-9a-f]{12}\.png$/);
    expect(targetPath('/tmp/pull', 'box', `out/${'é'.repeat(200)}.webp`)).toMatch(
      /\/out\/~[0-9a-f]{12}\.webp$/,
    );
    expect(targetPath('/tmp/pull', 'box', 'out/ñ 🦙.png')).toBe('/tmp/pull/box/out/ñ 🦙.png');
  });

  it('names folders after instances, by id when the name is shared or unsafe', () => {
    const instance = (id: string, name: string) => ({ id, name }) as never;
    const folderOf = instanceFolders([
      instance('1', 'box'),
      instance('2', 'twin'),
      instance('3', 'Twin'),
      instance('4', '../up'),
    ]);
    const output = (instanceId: string, instanceName: string) => ({ instanceId, instanceName }) as never;
    expect(folderOf(output('1', 'box'))).toBe('box');
    expect(folderOf(output('2', 'twin'))).toBe('2');
    expect(folderOf(output('3', 'Twin'))).toBe('3');
    expect(folderOf(output('4', '../up'))).toBe('4');
  });
});

describe('podpilot outputs pull (engine)', () => {
  const t = useOwnerHub(() => (pglite as TestDatabase).open());
  let client: HubClient;
  let dir: string;
  /** What each instance synced, by instance id. */
  const files: Record<string, SyncedFile[]> = {};
  let alpha: string;
  let beta: string;

  beforeAll(async () => {
    const [owner] = await t.db.query<{ id: string; username: string }>('select id, username from users');
    const { token } = await t.hub.services.apiTokens.create(
      owner as { id: string; username: string },
      'test',
    );
    client = new HubClient({ hubUrl: t.hub.url, token });
    dir = await mkdtemp(join(tmpdir(), 'podpilot-pull-'));

    const { launch, sync } = outputsOnHub(t.hub, t.db);
    const a = await launch('alpha');
    const b = await launch('beta');
    alpha = a.id;
    beta = b.id;
    files[alpha] = await sync(a.token, [
      { path: 'output/2026-11-28/cat_00001_.png', bytes: randomBytes(300_000) },
      { path: 'output/2026-11-28/cat_00002_.png', bytes: randomBytes(5) },
      { path: 'output/notes.txt', bytes: Buffer.from('first take') },
    ]);
    // The same path rewritten: version 2, pulled as notes.v2.txt next to version 1.
    const v2 = await sync(a.token, [{ path: 'output/notes.txt', bytes: Buffer.from('second, better take') }]);
    files[alpha] = [...(files[alpha] ?? []), ...v2];
    files[beta] = await sync(b.token, [
      { path: 'output/dog.png', bytes: randomBytes(2_000_000) },
      { path: 'empty.txt', bytes: Buffer.alloc(0) },
    ]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** What a full pull must leave in `root` for these instances. */
  function expected(instances: [string, string][]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [id, folder] of instances)
      for (const f of files[id] ?? []) out[`${folder}/${versionedPath(f.path, f.version)}`] = sha256(f.bytes);
    return out;
  }

  it('pulls every output with the right bytes, then skips them all on a second run', async () => {
    const root = join(dir, 'all');
    const progress: number[] = [];
    const first = await pullOutputs(client, { dir: root, onProgress: (p) => progress.push(p.files) });
    const want = expected([
      [alpha, 'alpha'],
      [beta, 'beta'],
    ]);
    expect(first.failed).toEqual([]);
    expect(first.skipped).toEqual([]);
    expect(first.pulled.map((f) => f.file).sort()).toEqual(Object.keys(want).sort());
    const totalBytes = [alpha, beta].flatMap((id) => files[id] ?? []).reduce((n, f) => n + f.bytes.length, 0);
    expect(first.downloadedBytes).toBe(totalBytes);
    expect(await treeOf(root)).toEqual(want);
    expect(Object.keys(want)).toContain('alpha/output/notes.v2.txt');
    expect(await readFile(join(root, 'alpha/output/notes.v2.txt'), 'utf8')).toBe('second, better take');
    expect(progress.at(-1)).toBe(6);
    // The file keeps the mtime the agent saw.
    expect((await stat(join(root, 'beta/output/dog.png'))).mtime.toISOString()).toBe(
      '2026-11-28T10:00:00.000Z',
    );

    const second = await pullOutputs(client, { dir: root });
    expect(second).toMatchObject({ pulled: [], failed: [], downloadedBytes: 0 });
    expect(second.skipped).toHaveLength(6);
    expect(await treeOf(root)).toEqual(want);
  });

  it('downloads again a local file of the right size but other bytes', async () => {
    const root = join(dir, 'corrupt');
    await pullOutputs(client, { dir: root });
    const dog = join(root, 'beta/output/dog.png');
    const good = await readFile(dog);
    const bad = Buffer.from(good);
    bad[1000] = (bad[1000] ?? 0) ^ 0xff;
    await writeFile(dog, bad);

    const again = await pullOutputs(client, { dir: root });
    expect(again.failed).toEqual([]);
    expect(again.pulled.map((f) => f.file)).toEqual(['beta/output/dog.png']);
    expect(again.skipped).toHaveLength(5);
    expect(again.downloadedBytes).toBe(good.length);
    expect((await readFile(dog)).equals(good)).toBe(true);
  });

  it('pulls only the instance asked for', async () => {
    const root = join(dir, 'beta-only');
    const result = await pullOutputs(client, { dir: root, filter: { instance: beta } });
    expect(result.failed).toEqual([]);
    expect(result.pulled).toHaveLength(2);
    expect(await treeOf(root)).toEqual(expected([[beta, 'beta']]));
  });

  it('resumes a partial download with a range request, and restarts one that began with wrong bytes', async () => {
    const root = join(dir, 'resume');
    const dog = (files[beta] ?? []).find((f) => f.path === 'output/dog.png')?.bytes as Buffer;
    const part = join(root, 'beta/output/dog.png.part');
    await mkdir(join(root, 'beta/output'), { recursive: true });
    await writeFile(part, dog.subarray(0, 1_500_000));

    const resumed = await pullOutputs(client, { dir: root, filter: { instance: beta, path: 'dog' } });
    expect(resumed.failed).toEqual([]);
    expect(resumed.pulled.map((f) => f.file)).toEqual(['beta/output/dog.png']);
    expect(resumed.downloadedBytes).toBe(dog.length - 1_500_000);
    expect((await readFile(join(root, 'beta/output/dog.png'))).equals(dog)).toBe(true);
    await expect(stat(part)).rejects.toThrow();

    // A stale part (other bytes): the resumed hash is wrong, so the whole file comes again.
    await rm(join(root, 'beta/output/dog.png'));
    await writeFile(part, randomBytes(1_000_000));
    const restarted = await pullOutputs(client, { dir: root, filter: { instance: beta, path: 'dog' } });
    expect(restarted.failed).toEqual([]);
    expect(restarted.downloadedBytes).toBe(dog.length - 1_000_000 + dog.length);
    expect((await readFile(join(root, 'beta/output/dog.png'))).equals(dog)).toBe(true);
  });

  it('reports a file whose stored bytes do not match its sha256, and pulls the others', async () => {
    const root = join(dir, 'mismatch');
    const [cat] = await listOutputs(client, { instance: alpha, path: 'cat_00002_' });
    if (!cat) throw new Error('no cat_00002_ output');
    await t.hub.storage.put(`outputs/${alpha}/${cat.path}`, Buffer.from('XXXXX'));

    const result = await pullOutputs(client, { dir: root, filter: { instance: alpha } });
    expect(result.pulled).toHaveLength(3);
    expect(result.failed).toEqual([
      {
        id: cat.id,
        file: 'alpha/output/2026-11-28/cat_00002_.png',
        message: `sha256 mismatch: expected ${cat.sha256}, got ${sha256(Buffer.from('XXXXX'))} (the download was deleted)`,
      },
    ]);
    const names = await readdir(join(root, 'alpha/output/2026-11-28'));
    expect(names).toEqual(['cat_00001_.png']);
  });
});
