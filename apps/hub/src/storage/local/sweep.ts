import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissing } from './files.js';

const DAY_MS = 24 * 3_600_000;

export interface SweepOptions {
  /** Temp files of writes that never finished (crash, dropped connection); default 1 day. */
  tempOlderThanMs?: number;
  /** Multipart uploads never completed nor aborted; default 7 days, as R2 does. */
  uploadsOlderThanMs?: number;
}

/**
 * Removes leftovers under a local storage root: stale temp files in `.tmp` and multipart uploads in
 * `.multipart` older than the limits. Safe while the hub serves requests: only old entries go.
 * Returns how many of each were removed.
 */
export async function sweepLocalStorage(
  root: string,
  now: number,
  options: SweepOptions = {},
): Promise<{ temps: number; uploads: number }> {
  const tempLimit = now - (options.tempOlderThanMs ?? DAY_MS);
  const uploadLimit = now - (options.uploadsOlderThanMs ?? 7 * DAY_MS);
  let temps = 0;
  let uploads = 0;
  for (const name of await names(join(root, '.tmp'))) {
    const path = join(root, '.tmp', name);
    const info = await stat(path).catch(() => null);
    if (info && info.mtimeMs < tempLimit) {
      await rm(path, { force: true, recursive: true });
      temps++;
    }
  }
  for (const name of await names(join(root, '.multipart'))) {
    const folder = join(root, '.multipart', name);
    const created = await readFile(join(folder, 'upload.json'), 'utf8')
      .then((text) => Date.parse((JSON.parse(text) as { created?: string }).created ?? ''))
      .catch(async () => (await stat(folder).catch(() => null))?.mtimeMs ?? Number.NaN);
    if (created < uploadLimit) {
      await rm(folder, { force: true, recursive: true });
      uploads++;
    }
  }
  return { temps, uploads };
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}
