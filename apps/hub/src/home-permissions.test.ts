import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { openPglite } from './db/pglite.js';
import { loadHubConfig } from './env.js';
import { makePrivate, repairHome } from './home-permissions.js';
import { startHub } from './server.js';
import { LocalStorage } from './storage/local/local-storage.js';

const modeOf = async (path: string) => (await lstat(path)).mode & 0o777;

/** Every file and folder below `dir` (symbolic links left out) with its permission bits. */
async function modesBelow(dir: string): Promise<Map<string, number>> {
  const modes = new Map<string, number>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isSymbolicLink()) modes.set(path, await modeOf(path));
  }
  return modes;
}

/** The paths below `dir` that a group or other user could read, write or enter. */
async function notPrivate(dir: string): Promise<string[]> {
  return [...(await modesBelow(dir))]
    .filter(([, mode]) => mode & 0o077)
    .map(([p, m]) => `${p} ${m.toString(8)}`);
}

/** Gives `dir` and everything below it the modes an old hub left: folders 0755, files `fileMode`. */
async function makeOpen(dir: string, fileMode: number): Promise<void> {
  await chmod(dir, 0o755);
  for (const [path] of await modesBelow(dir)) {
    await chmod(path, (await stat(path)).isDirectory() ? 0o755 : fileMode);
  }
}

const previousUmask = process.umask();
afterAll(() => {
  process.umask(previousUmask);
});

describe('makePrivate', () => {
  let home: string;
  let outside: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'podpilot-perms-'));
    outside = await mkdtemp(join(tmpdir(), 'podpilot-perms-outside-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('takes group and other bits away everywhere, keeps the owner bits, follows no link', async () => {
    await mkdir(join(home, 'db', 'base'), { recursive: true });
    await mkdir(join(home, 'storage', 'outputs'), { recursive: true });
    await writeFile(join(home, 'db', 'base', 'wal'), 'password hash');
    await writeFile(join(home, 'storage', 'outputs', 'a.png'), 'png');
    await writeFile(join(home, 'run.sh'), '#!/bin/sh\n');
    await makeOpen(home, 0o666);
    await chmod(join(home, 'storage', 'outputs', 'a.png'), 0o644);
    await chmod(join(home, 'run.sh'), 0o755);
    // A link out of the home: neither it nor what it names changes.
    await writeFile(join(outside, 'shared.txt'), 'not the hub’s');
    await chmod(join(outside, 'shared.txt'), 0o644);
    await chmod(outside, 0o755);
    await symlink(join(outside, 'shared.txt'), join(home, 'db', 'link-to-file'));
    await symlink(outside, join(home, 'link-to-dir'));

    const result = await makePrivate(home);

    expect(result).toEqual({ repaired: 8, failed: [] });
    expect(await modeOf(home)).toBe(0o700);
    expect(await modeOf(join(home, 'db'))).toBe(0o700);
    expect(await modeOf(join(home, 'db', 'base'))).toBe(0o700);
    expect(await modeOf(join(home, 'db', 'base', 'wal'))).toBe(0o600);
    expect(await modeOf(join(home, 'storage', 'outputs', 'a.png'))).toBe(0o600);
    expect(await modeOf(join(home, 'run.sh'))).toBe(0o700);
    expect(await modeOf(join(outside, 'shared.txt'))).toBe(0o644);
    expect(await modeOf(outside)).toBe(0o755);
    expect(await notPrivate(home)).toEqual([]);
    expect(await makePrivate(home)).toEqual({ repaired: 0, failed: [] });
  });

  it('logs one line with the count when it repaired something, nothing when the home was private', async () => {
    await writeFile(join(home, 'hub.lock'), '{}');
    await chmod(join(home, 'hub.lock'), 0o644);
    await chmod(home, 0o755);
    const lines: { level: string; fields: object; message: string }[] = [];
    const log = {
      info: (fields: object, message: string) => lines.push({ level: 'info', fields, message }),
      warn: (fields: object, message: string) => lines.push({ level: 'warn', fields, message }),
    };
    await repairHome(home, log);
    expect(lines).toEqual([
      {
        level: 'info',
        fields: { home, repaired: 2 },
        message: expect.stringMatching(/^home permissions: made 2 files and folders private/),
      },
    ]);
    await repairHome(home, log);
    expect(lines).toHaveLength(1);
  });

  it('has nothing to do for a home that does not exist yet', async () => {
    expect(await makePrivate(join(home, 'not-yet'))).toEqual({ repaired: 0, failed: [] });
  });
});

describe('startHub and the home’s permissions (PGlite, local storage)', () => {
  const homes: string[] = [];
  afterAll(async () => {
    for (const home of homes) await rm(home, { recursive: true, force: true });
  });
  const newHome = async () => {
    const home = await mkdtemp(join(tmpdir(), 'podpilot-perms-hub-'));
    homes.push(home);
    return home;
  };
  const config = (home: string) =>
    loadHubConfig({
      PODPILOT_HOME: home,
      PODPILOT_HOST: '127.0.0.1',
      PODPILOT_PORT: '0',
      PODPILOT_LOG_LEVEL: 'fatal',
      PODPILOT_LOG_FORMAT: 'json',
    });

  /** Stores `key` through the running hub's own storage route (a signed PUT), as an agent's upload does. */
  async function storeThroughHub(home: string, url: string, key: string): Promise<void> {
    const signer = new LocalStorage({
      root: join(home, 'storage'),
      keyFile: join(home, 'keys', 'storage-url.key'),
      baseUrl: () => url,
    });
    const put = await fetch(await signer.presignPut(key, { expiresInSeconds: 60 }), {
      method: 'PUT',
      body: 'output bytes',
    });
    expect(put.status, await put.text()).toBeLessThan(300);
  }

  it('repairs a home an older hub left open: database, stored objects and keys', async () => {
    const home = await newHome();
    const template = new Blob([await readFile(inject('pgliteTemplate'))]);
    await (await openPglite({ dataDir: join(home, 'db'), loadDataDir: template })).close();
    await mkdir(join(home, 'storage', 'outputs', 'i1'), { recursive: true });
    await writeFile(join(home, 'storage', 'outputs', 'i1', 'a.png'), 'png');
    await mkdir(join(home, 'keys'));
    await writeFile(join(home, 'keys', 'secrets.key'), 'key');
    await makeOpen(home, 0o666);
    await chmod(join(home, 'storage', 'outputs', 'i1', 'a.png'), 0o644);
    expect((await notPrivate(home)).length).toBeGreaterThan(10);

    const hub = await startHub(config(home));
    await hub.close();

    expect(await modeOf(home)).toBe(0o700);
    expect(await notPrivate(home)).toEqual([]);
  }, 120_000);

  it('makes everything private in a new home: the database it creates, stored outputs, the keys', async () => {
    process.umask(0o022); // as a shell leaves it
    const home = await newHome();
    await rm(home, { recursive: true });

    const hub = await startHub(config(home));
    await storeThroughHub(home, hub.url, 'outputs/i2/first.png');
    await hub.close();

    const modes = await modesBelow(home);
    expect(modes.get(join(home, 'db'))).toBe(0o700);
    expect(modes.get(join(home, 'keys', 'storage-url.key'))).toBe(0o600);
    // The object (and its sidecar, if the backend keeps one), whatever the storage folder's layout.
    const stored = [...modes].filter(([path]) => path.endsWith('/outputs/i2/first.png'));
    expect(stored.length).toBeGreaterThan(0);
    for (const [path, mode] of stored)
      expect([path.startsWith(join(home, 'storage')), mode]).toEqual([true, 0o600]);
    expect(await modeOf(home)).toBe(0o700);
    expect(await notPrivate(home)).toEqual([]);
  }, 120_000);
});
