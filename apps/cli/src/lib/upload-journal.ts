import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

const Entry = z.object({ size: z.number(), mtimeMs: z.number(), sha256: z.string() });
const Journal = z.record(z.string(), Entry);
type Entry = z.infer<typeof Entry>;

/**
 * Remembers the sha256 of files being pushed (by absolute path, size and mtime), so a push that was
 * interrupted resumes without hashing the file again. The hub remembers which parts it already has.
 */
export class UploadJournal {
  private readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, 'uploads.json');
  }

  /** The recorded sha256 when the file has not changed since (same size and mtime). */
  async knownSha256(path: string, size: number, mtimeMs: number): Promise<string | null> {
    const entry = (await this.read())[path];
    return entry && entry.size === size && entry.mtimeMs === mtimeMs ? entry.sha256 : null;
  }

  async remember(path: string, entry: Entry): Promise<void> {
    await this.write({ ...(await this.read()), [path]: entry });
  }

  async forget(path: string): Promise<void> {
    const all = await this.read();
    if (!(path in all)) return;
    delete all[path];
    await this.write(all);
  }

  private async read(): Promise<Record<string, Entry>> {
    try {
      return Journal.parse(JSON.parse(await readFile(this.file, 'utf8')));
    } catch {
      return {};
    }
  }

  /** Atomic: a crash mid-write leaves the old journal, never a torn one. */
  private async write(all: Record<string, Entry>): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(all), { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
