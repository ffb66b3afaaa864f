import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@podpilot/common';
import { identify } from './providers/local/processes.js';

/**
 * `<home>/hub.lock`: one hub per PODPILOT_HOME. Two hubs on one home would both run the local provider's
 * instances, sign with one storage key and (on PGlite) open one database, silently losing each other's
 * writes. The file names the hub that holds the home; a lock whose process is gone (or whose pid now
 * belongs to another process: in a container the hub is pid 1 at every start) is stale and taken over.
 */
export const LOCK_FILE = 'hub.lock';

interface LockContent {
  pid: number;
  /** The port the hub listens on; null until it does. */
  port: number | null;
  startedAt: string;
  /** The holder's start time and boot id (procfs), so a reused pid is not taken for the holder. */
  startTime: string | null;
  bootId: string | null;
  /** Tells this hub's lock from a later one in the same place. */
  token: string;
}

export interface HomeLock {
  /** Records the port the hub listens on (rewrites the file atomically while it is still ours). */
  setPort(port: number): Promise<void>;
  /** Removes the file when it is still ours. Idempotent; never throws. */
  release(): Promise<void>;
}

const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null ? (error as NodeJS.ErrnoException).code : undefined;

async function readLock(path: string): Promise<{ text: string; lock: LockContent | null } | null> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  });
  if (text === null) return null;
  try {
    const lock = JSON.parse(text) as LockContent;
    return { text, lock: Number.isSafeInteger(lock.pid) ? lock : null };
  } catch {
    return { text, lock: null };
  }
}

/** Whether the hub that wrote `lock` still runs: its pid is alive and is still the same process. */
export async function holderAlive(lock: LockContent): Promise<boolean> {
  if (!Number.isSafeInteger(lock.pid) || lock.pid < 1) return false;
  try {
    process.kill(lock.pid, 0);
  } catch (error) {
    if (errorCode(error) !== 'EPERM') return false; // EPERM: alive, another user's
  }
  const now = await identify(lock.pid);
  if (lock.bootId && now.bootId && lock.bootId !== now.bootId) return false;
  if (lock.startTime && now.startTime && lock.startTime !== now.startTime) return false;
  return true;
}

/** Writes `content` to a new temp file beside `path` and returns its name. */
async function tempWith(path: string, content: LockContent): Promise<string> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(content)}\n`, { mode: 0o600, flag: 'wx' });
  return temp;
}

/**
 * Moves a stale lock out of the way: renamed aside, then removed when it is still the stale text read
 * (another hub may have taken it over meanwhile: its fresh lock is put back).
 */
async function takeOver(path: string, staleText: string): Promise<void> {
  const aside = `${path}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  if ((await readFile(aside, 'utf8').catch(() => null)) !== staleText) {
    await link(aside, path).catch(() => {});
  }
  await rm(aside, { force: true });
}

/**
 * Takes `<home>/hub.lock` for this process (made with its full content in one step: a temp file, then a
 * hard link that fails when the lock exists). Throws ConfigError with one line naming the other hub's pid
 * and port when a live hub holds the home; a stale lock (its process gone) is taken over.
 */
export async function lockHome(home: string, port: number | null): Promise<HomeLock> {
  await mkdir(home, { recursive: true });
  const path = join(home, LOCK_FILE);
  const me = await identify(process.pid);
  const content: LockContent = {
    pid: process.pid,
    port,
    startedAt: new Date().toISOString(),
    startTime: me.startTime,
    bootId: me.bootId,
    token: randomBytes(12).toString('hex'),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    const temp = await tempWith(path, content);
    try {
      await link(temp, path);
      return handle(path, content);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    } finally {
      await rm(temp, { force: true });
    }
    const held = await readLock(path);
    if (held === null) continue; // released meanwhile
    if (held.lock && (await holderAlive(held.lock))) {
      const { pid, port: theirs, startedAt } = held.lock;
      const where = theirs ? `port ${theirs}` : 'port not yet known';
      throw new ConfigError([
        `PODPILOT_HOME: ${home} is in use by another hub (pid ${pid}, ${where}, started ${startedAt}); stop it or choose another home`,
      ]);
    }
    await takeOver(path, held.text);
  }
  throw new ConfigError([`PODPILOT_HOME: cannot take ${path}: other hubs keep taking it`]);
}

function handle(path: string, content: LockContent): HomeLock {
  const stillOurs = async () => (await readLock(path).catch(() => null))?.lock?.token === content.token;
  return {
    async setPort(port) {
      if (!(await stillOurs())) return;
      content.port = port;
      const temp = await tempWith(path, content);
      await rename(temp, path).catch(async (error: unknown) => {
        await rm(temp, { force: true });
        throw error;
      });
    },
    async release() {
      if (await stillOurs()) await rm(path, { force: true }).catch(() => {});
    },
  };
}
