import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Db } from '../../../hub/src/db/db.js';
import { localAgent } from '../../../hub/src/test-support/agents.js';
import type { TestHub } from '../../../hub/src/test-support/app.js';
import { syncOutputs } from '../../../hub/src/test-support/uploads.js';

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A synced output as the test knows it. */
export interface SyncedFile {
  path: string;
  version: number;
  bytes: Buffer;
}

/**
 * Makes outputs on a test hub the way an agent does: an instance of its own profile whose agent registered
 * (`launch`), then presign → PUT → confirm (`sync`).
 */
export function outputsOnHub(hub: TestHub & { cookie: string }, db: Db) {
  /** An instance launched from profile `name` whose agent registered; its id and agent token. */
  async function launch(name: string): Promise<{ id: string; token: string }> {
    const { id, token } = await localAgent({ db, hub }, name);
    return { id, token };
  }

  /** The agent's sync of small files (one PUT each); what was stored, with the versions the hub gave. */
  async function sync(token: string, batch: { path: string; bytes: Buffer }[]): Promise<SyncedFile[]> {
    const { plans } = await syncOutputs(hub, token, batch);
    return plans.map((plan, i) => {
      if (plan.status !== 'put') throw new Error(`expected a single PUT, got ${plan.status}`);
      const file = batch[i] as { path: string; bytes: Buffer };
      return { path: file.path, version: plan.version, bytes: file.bytes };
    });
  }

  return { launch, sync };
}

/** Every file under `root`, relative and `/`-separated, with its sha256 (deep-equal on big Buffers is slow). */
export async function treeOf(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out[relative(root, full).split(sep).join('/')] = sha256(await readFile(full));
  }
  return out;
}
