import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';

const Saved = z.record(z.string(), z.number());

/**
 * A set of ids, each with an expiry (unix seconds), kept in a JSON file so it survives the agent's restart:
 * used link nonces (a replay after a restart is still refused) and session ids. Expired ids are dropped on
 * each write. Writes are synchronous and atomic (temp file, rename): `add` returns only once it is on disk.
 * A missing or unreadable file is an empty set.
 */
export class ExpiringIds {
  private readonly ids: Map<string, number>;

  constructor(
    private readonly file: string,
    private readonly nowSeconds: () => number,
  ) {
    this.ids = new Map(Object.entries(load(file)));
  }

  /** True while `id` is in the set and not expired. */
  has(id: string): boolean {
    const expires = this.ids.get(id);
    return expires !== undefined && expires >= this.nowSeconds();
  }

  /** Adds `id` until `expiresAt` and saves the set (throws when the file cannot be written). */
  add(id: string, expiresAt: number): void {
    this.ids.set(id, expiresAt);
    this.save();
  }

  private save(): void {
    const now = this.nowSeconds();
    for (const [id, expires] of this.ids) if (expires < now) this.ids.delete(id);
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.ids)), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

function load(file: string): Record<string, number> {
  try {
    return Saved.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return {};
  }
}
