import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PythonTargetKind } from './install-item.js';

/** Everything that decides what an install of one item puts in the overlay. */
export interface MarkerInputs {
  /** The checkout's commit. */
  commit: string;
  /** The requirements file's content (null: none), and the install script's (null: none or not run). */
  requirements: string | null;
  installScript: string | null;
  /** The constraints and pip options every run uses: a change there installs again. */
  constraints: string;
  pipOptions: string[];
}

/** A digest of the inputs: equal digests mean an install would do nothing new. Pure. */
export function markerKey(inputs: MarkerInputs): string {
  const canonical = JSON.stringify([
    inputs.commit,
    inputs.requirements,
    inputs.installScript,
    inputs.constraints,
    inputs.pipOptions,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The marker file of an item (`ui` or an extension folder name; both are safe folder names). */
const markerFile = (dir: string, kind: PythonTargetKind, name: string) => join(dir, `${kind}-${name}.json`);

/**
 * Remembers successful installs on the kept disk: an item whose marker holds the same key was installed with
 * exactly these inputs, so a restart runs no pip for it. Failures leave no marker (the next start tries again:
 * a network error should not stick).
 */
export class InstallMarkers {
  constructor(private readonly dir: string) {}

  /** True when the item's last successful install had this key. Never throws. */
  async has(kind: PythonTargetKind, name: string, key: string): Promise<boolean> {
    const saved = await readFile(markerFile(this.dir, kind, name), 'utf8').catch(() => null);
    if (saved === null) return false;
    try {
      return (JSON.parse(saved) as { key?: unknown }).key === key;
    } catch {
      return false;
    }
  }

  /** Records a successful install (idempotent). */
  async set(kind: PythonTargetKind, name: string, key: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(markerFile(this.dir, kind, name), JSON.stringify({ key, at: new Date().toISOString() }));
  }

  /** Forgets an item (it failed, or changed and is being installed again). */
  async clear(kind: PythonTargetKind, name: string): Promise<void> {
    await rm(markerFile(this.dir, kind, name), { force: true });
  }
}
