// The hub for the sync benchmark, in the benchmark's process: embedded PGlite, S3 storage, listening on a
// loopback port. There is no launch API yet, so instances are made the way the e2e tests make them
// (e2e/support/agent-harness.ts): a row in `instances` plus a bootstrap token minted in-process.
import type { AddressInfo } from 'node:net';
import { buildApp, type HubApp } from '../../apps/hub/src/app.js';
import { migrate } from '../../apps/hub/src/db/migrate.js';
import { openPglite } from '../../apps/hub/src/db/pglite.js';
import { S3Storage, type S3StorageConfig } from '../../apps/hub/src/storage/index.js';
import { BENCH_APP_CONFIG, newBenchInstance } from './bench-hub.js';

const PROFILE = 'bench';
/** What a ComfyUI profile syncs; the ref is never checked out (no agent provisions here). */
const PROFILE_YAML = `name: ${PROFILE}
ui: { kind: comfyui, ref: ${'0123456789abcdef'.repeat(3).slice(0, 40)} }
outputs: ["output/"]
`;

export interface SyncBenchHub {
  url: string;
  hub: HubApp;
  /** A new instance of the bench profile and its bootstrap token (its outputs go to `outputs/<id>/`). */
  newInstance(name: string): Promise<{ id: string; bootstrap: string }>;
  /** Files and bytes the hub's index holds for the instance (latest versions and older ones alike). */
  indexed(id: string): Promise<{ files: number; bytes: number }>;
  close(): Promise<void>;
}

export async function startSyncBenchHub(storage: S3StorageConfig): Promise<SyncBenchHub> {
  const db = await openPglite();
  try {
    await migrate(db);
    const hub = await buildApp(BENCH_APP_CONFIG, db, { storage: new S3Storage(storage) });
    await hub.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(hub.app.server.address() as AddressInfo).port}`;
    await hub.services.profiles.apply(PROFILE, PROFILE_YAML);
    return {
      url,
      hub,
      newInstance: (name) => newBenchInstance(db, hub, name, PROFILE),
      async indexed(id) {
        const [row] = await db.query<{ files: number; bytes: number }>(
          `select count(*)::int as files, coalesce(sum(size_bytes), 0)::bigint as bytes
             from outputs where instance_id = $1`,
          [id],
        );
        return { files: Number(row?.files ?? 0), bytes: Number(row?.bytes ?? 0) };
      },
      async close() {
        await hub.app.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
