import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@podpilot/common';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openPglite } from './db/pglite.js';
import { loadHubConfig } from './env.js';
import { LOCK_FILE, lockHome } from './home-lock.js';
import { type RunningHub, startHub } from './server.js';

/** A fresh database URL on the server behind PODPILOT_TEST_DATABASE_URL, and its drop. */
async function scratchPostgres(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `podpilot_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/** The pid of a process that has ended (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

const engines = ['pglite', ...(process.env.PODPILOT_TEST_DATABASE_URL ? ['postgres'] : [])];

describe.each(engines)('startHub on one PODPILOT_HOME (%s)', (engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  /** A new home; on PGlite its database starts from the migrated template (initdb takes long). */
  const tempHome = async () => {
    const home = await mkdtemp(join(tmpdir(), 'podpilot-server-'));
    cleanups.push(() => rm(home, { recursive: true, force: true }));
    if (engine === 'pglite') {
      const template = new Blob([await readFile(inject('pgliteTemplate'))]);
      await (await openPglite({ dataDir: join(home, 'db'), loadDataDir: template })).close();
    }
    return home;
  };
  const databaseUrl = async () => {
    const admin = process.env.PODPILOT_TEST_DATABASE_URL;
    if (engine !== 'postgres' || !admin) return undefined;
    const scratch = await scratchPostgres(admin);
    cleanups.push(scratch.drop);
    return scratch.url;
  };
  const start = async (home: string, url?: string): Promise<RunningHub> => {
    const config = loadHubConfig({
      PODPILOT_HOME: home,
      PODPILOT_HOST: '127.0.0.1',
      PODPILOT_PORT: '0',
      PODPILOT_LOG_LEVEL: 'fatal',
      PODPILOT_LOG_FORMAT: 'json',
      DATABASE_URL: url,
    });
    const hub = await startHub(config);
    cleanups.push(hub.close);
    return hub;
  };

  it('refuses a second hub on a home a live hub holds, naming its pid and port; another home works', async () => {
    const home = await tempHome();
    const url = await databaseUrl();
    const first = await start(home, url);
    const port = new URL(first.url).port;

    const refused = await start(home, url).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).problems).toEqual([
      expect.stringMatching(
        new RegExp(`^PODPILOT_HOME: .* is in use by another hub \\(pid ${process.pid}, port ${port}, `),
      ),
    ]);
    expect((await fetch(`${first.url}/health`)).status).toBe(200); // the first one is untouched

    // Another home works, also when a hub that died left its lock there.
    const otherHome = await tempHome();
    await writeFile(
      join(otherHome, LOCK_FILE),
      JSON.stringify({ pid: await deadPid(), port: 1, token: 'x' }),
    );
    const other = await start(otherHome, await databaseUrl());
    expect((await fetch(`${other.url}/health`)).status).toBe(200);
    expect(JSON.parse(await readFile(join(otherHome, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
      port: Number(new URL(other.url).port),
    });
    await other.close();

    await first.close();
    expect(existsSync(join(home, LOCK_FILE))).toBe(false);
    const again = await lockHome(home, null); // released on close: the home can be had again
    await again.release();
  }, 120_000);
});
