import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { OutputUploadPlan } from '@podpilot/common';
import type { Db } from '../../../hub/src/db/db.js';
import { asOwner, type TestHub } from '../../../hub/src/test-support/app.js';

const COMMIT = 'a'.repeat(40);
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
  async function expectOk(what: string, res: { statusCode: number; body: string }) {
    if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  }

  /** An instance launched from profile `name` whose agent registered; its id and agent token. */
  async function launch(name: string): Promise<{ id: string; token: string }> {
    const yaml = `name: ${name}\nui: { kind: comfyui, ref: ${COMMIT} }\n`;
    await expectOk(
      'PUT profile',
      await hub.app.inject({
        method: 'PUT',
        url: `/api/profiles/${name}`,
        payload: yaml,
        headers: { ...asOwner(hub.cookie), 'content-type': 'application/yaml' },
      }),
    );
    const [row] = await db.query<{ id: string }>(
      `insert into instances (name, provider, state, profile_version_id)
       select $1, 'local', 'launching', v.id from profile_versions v join profiles p on p.id = v.profile_id
        where p.name = $1 and p.deleted_at is null order by v.version desc limit 1
       returning id`,
      [name],
    );
    const id = (row as { id: string }).id;
    const bootstrapToken = await hub.services.bootstrapTokens.mint(id);
    const res = await hub.app.inject({
      method: 'POST',
      url: '/agent/v1/register',
      payload: { bootstrapToken, agentVersion: '0.1.0' },
    });
    await expectOk('register', res);
    return { id, token: res.json().agentToken as string };
  }

  /** The agent's sync of small files (one PUT each); what was stored, with the versions the hub gave. */
  async function sync(token: string, batch: { path: string; bytes: Buffer }[]): Promise<SyncedFile[]> {
    const describeFile = (path: string, bytes: Buffer) => ({
      path,
      sizeBytes: bytes.length,
      sha256: sha256(bytes),
      mtime: '2026-11-28T10:00:00.000Z',
    });
    const agentPost = (path: string, payload: object) =>
      hub.app.inject({
        method: 'POST',
        url: `/agent/v1/${path}`,
        payload,
        headers: { authorization: `Bearer ${token}` },
      });
    const presign = await agentPost('outputs/presign', {
      files: batch.map((f) => describeFile(f.path, f.bytes)),
    });
    await expectOk('presign', presign);
    const toConfirm = [];
    const synced: SyncedFile[] = [];
    for (const [i, plan] of (presign.json().files as OutputUploadPlan[]).entries()) {
      const file = batch[i] as { path: string; bytes: Buffer };
      if (plan.status !== 'put') throw new Error(`expected a single PUT, got ${plan.status}`);
      const res = await fetch(plan.url, { method: 'PUT', body: file.bytes });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`PUT ${file.path}: ${res.status}`);
      toConfirm.push({ ...describeFile(file.path, file.bytes), key: plan.key, version: plan.version });
      synced.push({ path: file.path, version: plan.version, bytes: file.bytes });
    }
    await expectOk('confirm', await agentPost('outputs/confirm', { files: toConfirm }));
    return synced;
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
