import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../apps/hub/src/db/pglite.js';
import { startHub } from './support/hub-process.js';

const CLI = fileURLToPath(new URL('../apps/cli/dist/main.js', import.meta.url));
const PASSWORD = 'a long enough owner password';

/** Runs `podpilot …` to completion (for commands that must fail fast). */
function podpilot(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, PODPILOT_LOG_FORMAT: 'json', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Sets the owner password through the printed link, as the web page does. */
async function completeSetup(setupUrl: string): Promise<Response> {
  const url = new URL(setupUrl);
  const token = new URLSearchParams(url.hash.slice(1)).get('token');
  return fetch(new URL('/api/auth/setup', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password: PASSWORD }),
  });
}

async function login(base: string): Promise<Response> {
  return fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: PASSWORD }),
  });
}

function expectOneCleanLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('podpilot hub (a real process)', () => {
  const homes: string[] = [];
  const tempHome = async () => {
    const home = await mkdtemp(join(tmpdir(), 'podpilot-cli-'));
    homes.push(home);
    return home;
  };
  afterAll(async () => {
    await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
  });

  it('lists every option and environment variable in --help', () => {
    const { code, stdout } = podpilot(['hub', '--help']);
    expect(code).toBe(0);
    for (const text of [
      '--port',
      '--host',
      '--home',
      '--database-url',
      'PODPILOT_PORT',
      'DATABASE_URL',
      'PODPILOT_SHUTDOWN_TIMEOUT_SECONDS',
    ]) {
      expect(stdout).toContain(text);
    }
  });

  it('exits 2 with one clear line for a bad port', () => {
    const { code, stderr } = podpilot(['hub', '--port', 'abc']);
    expect(code).toBe(2);
    expectOneCleanLine(
      stderr,
      /^podpilot: invalid configuration: PODPILOT_PORT: expected a whole number from 0 to 65535, got "abc"$/,
    );
  });

  it('exits 2 with one clear line when the database cannot be reached', async () => {
    const { code, stderr } = podpilot(['hub'], {
      PODPILOT_HOME: await tempHome(),
      DATABASE_URL: 'postgres://podpilot:secret@127.0.0.1:1/nowhere',
    });
    expect(code).toBe(2);
    expectOneCleanLine(
      stderr,
      /^podpilot: invalid configuration: DATABASE_URL: cannot connect to postgres:\/\/podpilot:\*\*\*@127\.0\.0\.1:1\/nowhere: /,
    );
    expect(stderr).not.toContain('secret');
  });

  it('exits 2 with one clear line when the port is taken', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = podpilot(['hub', '--port', String(port)], { PODPILOT_HOME: await tempHome() });
      expect(code).toBe(2);
      expectOneCleanLine(
        stderr,
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the address is already in use$`),
      );
    } finally {
      blocker.close();
    }
  });

  it('runs on PGlite: health, setup link, login; stops cleanly on SIGTERM and keeps its data', async () => {
    const home = await tempHome();
    const first = await startHub({ home });
    try {
      const health = await (await fetch(`${first.url}/health`)).json();
      expect(health).toMatchObject({ status: 'ok', database: { engine: 'pglite', ok: true } });
      expect(first.setupUrl).toMatch(/\/setup#token=[\w-]{43}$/);
      expect((await completeSetup(first.setupUrl ?? '')).status).toBe(200);
      expect((await completeSetup(first.setupUrl ?? '')).status).toBe(409);
    } finally {
      await first.stop();
    }
    expect(first.child.exitCode).toBe(0);
    expect(first.output()).toContain('hub stopped');

    const second = await startHub({ home });
    try {
      expect(second.setupUrl).toBeNull();
      const res = await login(second.url);
      expect(res.status).toBe(200);
      const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? '';
      const instances = await fetch(`${second.url}/api/instances`, { headers: { cookie } });
      expect(await instances.json()).toEqual({ instances: [] });
    } finally {
      await second.stop();
    }
  });

  it('refuses to start when an applied migration was changed', async () => {
    const home = await tempHome();
    const hub = await startHub({ home });
    await hub.stop();
    const db = await openPglite({ dataDir: join(home, 'db') });
    await db.query(`update schema_migrations set md5 = 'edited' where version = 1`);
    await db.close();
    const { code, stderr } = podpilot(['hub', '--port', '0'], { PODPILOT_HOME: home });
    expect(code).toBe(2);
    expectOneCleanLine(stderr, /^podpilot: migration 001\.do\.core\.sql was changed after it was applied/);
  });

  const adminUrl = process.env.PODPILOT_TEST_DATABASE_URL;
  if (!adminUrl && process.env.CI === 'true')
    throw new Error('CI=true but PODPILOT_TEST_DATABASE_URL is not set');
  it.runIf(adminUrl !== undefined)('runs the same hub on PostgreSQL with DATABASE_URL', async () => {
    const name = `podpilot_e2e_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(adminUrl ?? '');
    url.pathname = `/${name}`;
    const hub = await startHub({ env: { DATABASE_URL: url.toString() } });
    try {
      const health = (await (await fetch(`${hub.url}/health`)).json()) as { database: unknown };
      expect(health.database).toEqual({ engine: 'postgres', ok: true });
      expect((await completeSetup(hub.setupUrl ?? '')).status).toBe(200);
      expect((await login(hub.url)).status).toBe(200);
    } finally {
      await hub.stop();
      await admin.query(`drop database ${name} with (force)`);
      await admin.end();
    }
  });
});
