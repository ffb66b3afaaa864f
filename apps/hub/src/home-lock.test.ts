import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@podpilot/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockHome } from './home-lock.js';

/** The pid of a process that has ended (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

const hasProcfs = existsSync('/proc/self/stat');

describe('the hub home lock (<home>/hub.lock)', () => {
  let home: string;
  const lockPath = () => join(home, LOCK_FILE);
  const lockFile = async () => JSON.parse(await readFile(lockPath(), 'utf8')) as Record<string, unknown>;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'podpilot-home-lock-'));
  });
  afterEach(async () => rm(home, { recursive: true, force: true }));

  it('refuses a second holder while the first lives, with one line naming its pid and port', async () => {
    const first = await lockHome(home, null);
    await first.setPort(7345);
    const refused = await lockHome(home, 7400).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    const problems = (refused as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`^PODPILOT_HOME: .* is in use by another hub \\(pid ${process.pid}, port 7345, started `),
    );
    expect(problems[0]).not.toContain('\n');
    expect(await lockFile()).toMatchObject({ pid: process.pid, port: 7345 }); // untouched by the refusal

    await first.release();
    expect(existsSync(lockPath())).toBe(false);
    const second = await lockHome(home, 7400);
    expect(await lockFile()).toMatchObject({ pid: process.pid, port: 7400 });
    await first.release(); // no longer ours: leaves the second's lock alone
    expect(existsSync(lockPath())).toBe(true);
    await second.release();
  });

  it('takes over a lock whose hub died', async () => {
    const pid = await deadPid();
    await writeFile(lockPath(), JSON.stringify({ pid, port: 7300, startedAt: 'then', token: 'old' }));
    const lock = await lockHome(home, 7301);
    expect(await lockFile()).toMatchObject({ pid: process.pid, port: 7301 });
    await lock.release();
  });

  it.runIf(hasProcfs)(
    'takes over a lock whose pid now belongs to another process (a reused pid)',
    async () => {
      // In a container the hub is pid 1 at every start: the pid alone says nothing, its start time does.
      const lock = {
        pid: process.pid,
        port: 7300,
        startedAt: 'then',
        startTime: '1',
        bootId: null,
        token: 'old',
      };
      await writeFile(lockPath(), JSON.stringify(lock));
      const mine = await lockHome(home, null);
      expect(await lockFile()).toMatchObject({ pid: process.pid, port: null });
      expect((await lockFile()).token).not.toBe('old');
      await mine.release();
    },
  );

  it('takes over a lock file that cannot be read as one', async () => {
    await writeFile(lockPath(), '{ half written');
    const lock = await lockHome(home, 7302);
    expect(await lockFile()).toMatchObject({ pid: process.pid, port: 7302 });
    await lock.release();
  });
});
