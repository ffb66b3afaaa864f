/**
 * The hub's home (`PODPILOT_HOME`: the PGlite database in `db/`, local storage in `storage/`, the keys in
 * `keys/`, the local provider's instances in `local-instances/`) is private to the hub's user: folders 0700,
 * files 0600 (0700 when the owner may run them). At hub start, before anything in the home is opened,
 * `privateUmask` makes everything the hub (and the agents it starts) creates private and `repairHome`
 * repairs a home an older hub left readable by other local users; once PGlite opened its folder,
 * `makePgliteFilesPrivate` fixes the files PGlite gave modes of its own.
 */
import type { Dirent } from 'node:fs';
import { chmod, lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Group and other bits: none may be set anywhere in the home. */
const GROUP_OTHER = 0o077;

/** How many entries of one folder are looked at together. */
const BATCH = 64;

export interface HomeRepair {
  /** Files and folders whose group/other bits were taken away. */
  repaired: number;
  /** Paths whose mode could not be changed (another user's file, a read-only file system), with the reason. */
  failed: { path: string; reason: string }[];
}

/**
 * Sets the process's umask to 077: every file and folder made from now on (stored objects, keys, temp
 * files, and whatever the local agents this process starts make) has no group or other bits. PGlite sets
 * its files' modes itself, past the umask: see `makePgliteFilesPrivate`. Returns the previous umask.
 */
export function privateUmask(): number {
  return process.umask(GROUP_OTHER);
}

/** Where `repairHome` says what it did. */
export interface RepairLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/**
 * `makePrivate(home)`, with one log line when it changed anything (info), or could not change something (warn,
 * naming up to 20 paths); nothing when the home was already private.
 */
export async function repairHome(home: string, log: RepairLog): Promise<HomeRepair> {
  const result = await makePrivate(home);
  const { repaired, failed } = result;
  if (repaired === 0 && failed.length === 0) return result;
  const message = `home permissions: made ${repaired} files and folders private to the hub's user (no group or other access)`;
  if (failed.length === 0) log.info({ home, repaired }, message);
  else
    log.warn(
      { home, repaired, failed: failed.slice(0, 20), failedCount: failed.length },
      `${message}; ${failed.length} could not be changed`,
    );
  return result;
}

const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null ? (error as NodeJS.ErrnoException).code : undefined;

/**
 * Takes the group and other bits away from `root` and everything below it (owner bits are kept: a folder
 * becomes 0700, a file 0600, or 0700 when its owner could run it). Symbolic links inside the home are
 * neither followed nor changed (`home` itself may be one: the folder it names is what is made private).
 * The home is made private first, so no other user can swap an entry for a link while the walk runs.
 * A missing home is nothing to repair. Never throws for an entry it cannot change: that is in `failed`.
 */
export async function makePrivate(root: string): Promise<HomeRepair> {
  const result: HomeRepair = { repaired: 0, failed: [] };
  const info = await stat(root).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  });
  if (info === null) return result;
  await repair(root, info.mode, result);
  if (info.isDirectory()) await walk(root, result);
  return result;
}

/**
 * PGlite's files, once it opened `<home>/db`: its file system layer sets each file's mode itself, past the
 * umask (0666 for the data dir it unpacks on first use, 0644 for files Postgres makes with `fopen`), so they
 * are made private here. Runs at every start; what it changes is not logged (it is PGlite's doing, not a
 * home left open), what it cannot change is (warn). Files PGlite makes later keep its mode until the next
 * start, inside `db/` and the home, both 0700: no other user can reach them.
 */
export async function makePgliteFilesPrivate(home: string, log: RepairLog): Promise<void> {
  const { failed } = await makePrivate(join(home, 'db'));
  if (failed.length > 0)
    log.warn(
      { home, failed: failed.slice(0, 20), failedCount: failed.length },
      `home permissions: ${failed.length} database files could not be made private`,
    );
}

/** Strips the group/other bits of one entry whose mode is `mode`, counting what it did. */
async function repair(path: string, mode: number, result: HomeRepair): Promise<void> {
  if ((mode & GROUP_OTHER) === 0) return;
  try {
    await chmod(path, mode & 0o700);
    result.repaired++;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return; // removed meanwhile
    result.failed.push({ path, reason: errorCode(error) ?? String(error) });
  }
}

/** Repairs every entry below `dir` (folders before their contents), one folder at a time. */
async function walk(dir: string, result: HomeRepair): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) !== 'ENOENT')
      result.failed.push({ path: dir, reason: errorCode(error) ?? String(error) });
    return;
  }
  const folders: string[] = [];
  for (let i = 0; i < entries.length; i += BATCH) {
    await Promise.all(
      entries.slice(i, i + BATCH).map(async (entry) => {
        if (entry.isSymbolicLink()) return;
        const path = join(dir, entry.name);
        const info = await lstat(path).catch(() => null);
        if (info === null || info.isSymbolicLink()) return;
        await repair(path, info.mode, result);
        if (info.isDirectory()) folders.push(path);
      }),
    );
  }
  for (const folder of folders) await walk(folder, result);
}
