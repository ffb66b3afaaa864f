import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { LocalStorage } from '../local/local-storage.js';
import { registerLocalStorageRoutes } from '../local/routes.js';

export interface RunningLocalStorage {
  storage: LocalStorage;
  app: FastifyInstance;
  /** `<home>` of this run: storage in `<home>/storage`, key in `<home>/keys/storage-url.key`. */
  home: string;
  close(): Promise<void>;
}

/**
 * A `LocalStorage` in a fresh temp home, served by a real Fastify server on 127.0.0.1 (random port) with the
 * hub's default 1 MiB body limit, so tests prove the storage routes lift it. `now` moves the clock.
 */
export async function startLocalStorage(options: { now?: () => number } = {}): Promise<RunningLocalStorage> {
  const home = await mkdtemp(join(tmpdir(), 'podpilot-local-storage-'));
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  let baseUrl = '';
  const storage = new LocalStorage({
    root: join(home, 'storage'),
    keyFile: join(home, 'keys', 'storage-url.key'),
    baseUrl: () => baseUrl,
    ...(options.now ? { now: options.now } : {}),
  });
  await registerLocalStorageRoutes(app, storage);
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    storage,
    app,
    home,
    close: async () => {
      await app.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
