import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';

/** A file's identity as far as its bytes go: the same inode, size and mtime means the same content. */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

const MemoFile = z.object({
  version: z.literal(1),
  entries: z.record(z.string(), z.object({ id: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});

const idOf = (file: FileIdentity) => `${file.dev}:${file.ino}:${file.size}:${file.mtimeNs}`;

/**
 * The sha256 of model files a snapshot hashed before, by path and identity, so the next snapshot reads only
 * files that are new or changed (multi-GB models take minutes to hash). Kept in the agent's state folder; a
 * missing or unreadable memo just means hashing again.
 */
export class HashMemo {
  private readonly seen = new Map<string, { id: string; sha256: string }>();

  private constructor(
    private readonly path: string,
    private readonly known: Map<string, { id: string; sha256: string }>,
  ) {}

  /** Loads the memo at `path` (empty when absent or damaged). Never throws. */
  static async load(path: string): Promise<HashMemo> {
    let data: unknown = null;
    try {
      data = JSON.parse(await readFile(path, 'utf8'));
    } catch {
      // Absent or damaged: hash again.
    }
    const parsed = MemoFile.safeParse(data);
    return new HashMemo(path, new Map(parsed.success ? Object.entries(parsed.data.entries) : []));
  }

  /** The remembered sha256 of `relPath` when the file is still the one that was hashed. */
  get(relPath: string, file: FileIdentity): string | undefined {
    const entry = this.known.get(relPath);
    if (entry?.id !== idOf(file)) return undefined;
    this.seen.set(relPath, entry);
    return entry.sha256;
  }

  set(relPath: string, file: FileIdentity, sha256: string): void {
    this.seen.set(relPath, { id: idOf(file), sha256 });
  }

  /** Writes what this snapshot found (files gone since are dropped), atomically. Never throws. */
  async save(): Promise<void> {
    const tmp = `${this.path}.${randomUUID()}.tmp`;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(tmp, JSON.stringify({ version: 1, entries: Object.fromEntries(this.seen) }));
      await rename(tmp, this.path);
    } catch {
      await rm(tmp, { force: true }).catch(() => {});
    }
  }
}
