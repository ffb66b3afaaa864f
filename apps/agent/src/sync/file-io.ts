import { createHash } from 'node:crypto';
import { createReadStream, type Stats, statSync } from 'node:fs';
import { BodyShrankError } from '@podpilot/common/node';

/** The file is not the one that was hashed any more (size or mtime moved, or it is gone). */
export class FileChangedError extends Error {
  override name = 'FileChangedError';
}

/** The file moved under us (changed, shrank while sent, or gone): it goes back to waiting, not to retry. */
export function isFileChange(error: unknown): boolean {
  return (
    error instanceof FileChangedError ||
    error instanceof BodyShrankError ||
    (error as NodeJS.ErrnoException).code === 'ENOENT'
  );
}

/** The file's stat now, or null when it is gone. */
export function statNow(abs: string): Stats | null {
  try {
    return statSync(abs, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

/** Throws FileChangedError unless the file still has this size and mtime. */
export function assertUnchanged(abs: string, size: number, mtimeMs: number): void {
  const st = statNow(abs);
  if (!st) throw new FileChangedError(`${abs} is gone`);
  if (st.size !== size || st.mtimeMs !== mtimeMs) throw new FileChangedError(`${abs} changed`);
}

const CHUNK = 1 << 20;

/** sha256 of the first `size` bytes, in one streaming read (1 MiB at a time); FileChangedError when shorter. */
export async function hashFile(abs: string, size: number, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  let read = 0;
  if (size > 0) {
    const stream = createReadStream(abs, { start: 0, end: size - 1, highWaterMark: CHUNK, signal });
    for await (const chunk of stream) {
      hash.update(chunk as Buffer);
      read += (chunk as Buffer).length;
    }
  }
  if (read !== size) throw new FileChangedError(`${abs} shrank while it was read`);
  return hash.digest('hex');
}
