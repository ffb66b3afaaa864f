import { type FileHandle, open, readFile } from 'node:fs/promises';

/** What a partial download was started against; a resume requires the server to still say the same. */
export interface JournalHeader {
  v: 1;
  size: number;
  chunkSize: number;
  etag: string | null;
  lastModified: string | null;
}

/**
 * The sidecar of `<hex>.part`: a JSON header line, then one line per record, in completion order: `<index>`
 * for a chunk written whole, `<index>:<bytes>` for the first `bytes` of a chunk written while the rest
 * was still arriving (a checkpoint). Append-only, so recording is one small O_APPEND write (no rewrite, no
 * rename); a kill can at worst leave a torn last line, which the reader ignores (those bytes are fetched again).
 */
export class Journal {
  private constructor(private readonly fh: FileHandle) {}

  /** Starts a new journal (replacing any old one) and makes its header durable before any chunk is recorded. */
  static async create(path: string, header: JournalHeader): Promise<Journal> {
    const fh = await open(path, 'w');
    await fh.write(`${JSON.stringify(header)}\n`);
    await fh.datasync();
    await fh.close();
    return Journal.append(path);
  }

  static async append(path: string): Promise<Journal> {
    return new Journal(await open(path, 'a'));
  }

  /** Records chunk `index` as written. Call only after the chunk's write() returned. */
  async markDone(index: number): Promise<void> {
    await this.fh.write(`${index}\n`);
  }

  /** Records the first `bytes` of chunk `index` as written. Call only after their write() returned. */
  async markPrefix(index: number, bytes: number): Promise<void> {
    await this.fh.write(`${index}:${bytes}\n`);
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

/** What a journal says is on disk. */
export interface JournalState {
  header: JournalHeader;
  /** Chunks written whole. */
  done: Set<number>;
  /** Chunks not in `done` whose first bytes were written: index -> the largest recorded prefix, in bytes. */
  prefixes: Map<number, number>;
}

/** The header and the recorded chunks, or null when there is no readable journal. */
export async function readJournal(path: string): Promise<JournalState | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  let header: JournalHeader;
  try {
    header = JSON.parse(lines[0] ?? '') as JournalHeader;
  } catch {
    return null;
  }
  if (header.v !== 1 || !(header.size > 0) || !(header.chunkSize > 0)) return null;
  const chunks = Math.ceil(header.size / header.chunkSize);
  const lengthOf = (i: number) => Math.min(header.chunkSize, header.size - i * header.chunkSize);
  const done = new Set<number>();
  const prefixes = new Map<number, number>();
  // The last line is either empty (after the final "\n") or torn: never trusted.
  for (const line of lines.slice(1, -1)) {
    const match = /^(\d+)(?::(\d+))?$/.exec(line);
    const index = Number(match?.[1]);
    if (!match || index >= chunks) continue;
    if (match[2] === undefined) {
      done.add(index);
      continue;
    }
    const bytes = Number(match[2]);
    if (bytes > 0 && bytes < lengthOf(index)) prefixes.set(index, Math.max(bytes, prefixes.get(index) ?? 0));
  }
  for (const index of done) prefixes.delete(index);
  return { header, done, prefixes };
}

/** Same file on the server as when the journal was started? */
export function sameSource(a: JournalHeader, b: Omit<JournalHeader, 'v' | 'chunkSize'>): boolean {
  return a.size === b.size && a.etag === b.etag && a.lastModified === b.lastModified;
}
