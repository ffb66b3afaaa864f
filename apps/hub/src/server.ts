import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, PODPILOT_VERSION } from '@podpilot/common';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { Db } from './db/db.js';
import { migrate } from './db/migrate.js';
import { openDatabase } from './db/open.js';
import type { HubConfig } from './env.js';
import { lockHome } from './home-lock.js';
import { makePgliteFilesPrivate, privateUmask, repairHome } from './home-permissions.js';
import type { HubServices } from './hub-services.js';
import { startHousekeeping } from './jobs/housekeeping.js';
import { createLogger } from './logger.js';
import { createStorage, S3Storage } from './storage/index.js';

export interface RunningHub {
  /** The URL the hub answers on (the public URL when configured). */
  url: string;
  /** The one-time link to set the owner password; null once the owner exists. */
  setupUrl: string | null;
  logger: Logger;
  /** Stops accepting requests, lets running ones finish, closes the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the hub: sets the umask to 077 and makes an existing home private (see `home-permissions.ts`),
 * opens the database (PGlite or Postgres), applies migrations, listens, and, while no owner exists, mints a
 * setup link. Throws ConfigError for settings that cannot work (a home another live hub
 * holds: see `home-lock.ts`; unreachable database, port in use), MigrationError for migration trouble.
 */
export async function startHub(config: HubConfig): Promise<RunningHub> {
  const logger = createLogger(config);
  // Everything made from here on (home, database, storage, keys, local agents' files) is the hub user's only.
  privateUmask();
  // One hub per home, taken before the database (PGlite lives in the home) opens.
  const lock = await lockHome(config.home, config.port || null);
  let db: Db | undefined;
  try {
    await repairHome(config.home, logger);
    await mkdir(join(config.home, 'storage'), { recursive: true });
    db = await openDatabase(config);
    if (db.engine === 'pglite') await makePgliteFilesPrivate(config.home, logger);
    const migrations = await migrate(db, config.migrationsDir);
    if (migrations.applied.length) logger.info({ applied: migrations.applied }, 'migrations applied');
    // The local backend signs URLs with the hub's own address, known only once it listens.
    let baseUrl = config.publicUrl ?? '';
    const storage = createStorage(config.storage, { baseUrl: () => baseUrl });
    const { app, services } = await buildApp(config, db, {
      logger,
      storage,
      home: config.home,
      lifecycle: config.lifecycle,
    });
    const url = await listen(app, config);
    baseUrl = url;
    await lock.setPort(listeningPort(app, config));
    const setupToken = await services.auth.issueSetupToken();
    const stopJobs = startJobs(services, config, logger);
    logger.info(
      { url, database: db.engine, storage: storage.kind, home: config.home, version: PODPILOT_VERSION },
      'hub listening',
    );
    const close = once(async () => {
      stopJobs();
      await app.close();
      if (storage instanceof S3Storage) storage.close();
      await db?.close();
      await lock.release();
      logger.info('hub stopped');
    });
    return { url, setupUrl: setupToken ? `${url}/setup#token=${setupToken}` : null, logger, close };
  } catch (error) {
    await db?.close().catch(() => {});
    await lock.release();
    throw error;
  }
}

/**
 * Listens on the configured address and returns the hub's URL (the public one when set). A port that cannot
 * be had closes the app and becomes a ConfigError naming the settings.
 */
async function listen(app: FastifyInstance, config: HubConfig): Promise<string> {
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    const code = (error as { code?: string }).code;
    const why =
      code === 'EADDRINUSE'
        ? 'the address is already in use'
        : code === 'EACCES'
          ? 'permission denied'
          : (error as Error).message;
    throw new ConfigError([
      `PODPILOT_PORT/PODPILOT_HOST: cannot listen on ${config.host}:${config.port}: ${why}`,
    ]);
  }
  const port = listeningPort(app, config);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return config.publicUrl ?? `http://${host}:${port}`;
}

/** The port the app listens on (the configured one may be 0: any). */
function listeningPort(app: FastifyInstance, config: HubConfig): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : config.port;
}

/** Starts the periodic jobs; returns one function that stops them all. */
function startJobs(services: HubServices, config: HubConfig, logger: Logger): () => void {
  const stopHousekeeping = startHousekeeping(services.auth, services.outputs.trash, logger);
  const stopReconciler = services.reconciler.start(config.lifecycle.reconcileEveryMs);
  const stopCostWatch = services.costWatch.start(config.lifecycle.costWatchEveryMs);
  const stopDeadlines = services.deadlines.start(config.lifecycle.costWatchEveryMs);
  const stopNotifications = services.notificationWatch.start(config.lifecycle.costWatchEveryMs);
  return () => {
    stopNotifications();
    stopDeadlines();
    stopHousekeeping();
    stopCostWatch();
    stopReconciler();
  };
}

/** `fn` run at most once: later calls get the first call's promise (close is idempotent). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= fn();
    return running;
  };
}
