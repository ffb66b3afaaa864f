import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Db } from './db/db.js';
import type { HubConfig } from './env.js';
import { registerRoutes } from './hub-routes.js';
import { buildServices, type HubServices, type ServiceDeps } from './hub-services.js';
import { HttpError } from './lib/http-error.js';
import { registerAuth } from './plugins/auth.js';
import { registerCompression } from './plugins/compression.js';
import { registerErrorHandler } from './plugins/errors.js';
import { registerMetrics } from './plugins/metrics.js';
import { registerOpenApi, serveOpenApi } from './plugins/openapi.js';
import { registerTextInput } from './plugins/text-input.js';
import { registerWeb } from './plugins/web.js';
import { useZodCompilers } from './plugins/zod-compilers.js';
import { LocalStorage, type ObjectStorage, registerLocalStorageRoutes } from './storage/index.js';

/** A route as registered, for tests and tools that must see every route (e.g. "all /api routes need auth"). */
export interface RegisteredRoute {
  method: string;
  url: string;
  public: boolean;
}

export interface HubApp {
  app: FastifyInstance;
  routes: RegisteredRoute[];
  services: HubServices;
}

/** What the app is built on beside the database: storage, and what tests and benches set (see ServiceDeps). */
export type AppDeps = Omit<ServiceDeps, 'log' | 'sessionTtlMs' | 'hubUrl'> & {
  storage: ObjectStorage;
  logger?: FastifyBaseLogger;
};

export type AppConfig = Pick<HubConfig, 'sessionTtlMs' | 'loginMaxPerMinute' | 'webDir' | 'publicUrl'> &
  Partial<Pick<HubConfig, 'tailscaleOwner' | 'storage' | 'port'>>;

/** Builds the hub's HTTP app on an open, migrated database and a storage backend. Does not listen. */
export async function buildApp(config: AppConfig, db: Db, deps: AppDeps): Promise<HubApp> {
  const { logger, storage } = deps;
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    trustProxy: false,
    bodyLimit: 1024 * 1024,
  });
  useZodCompilers(app);
  const routes = recordRoutes(app);
  const services = buildServices(db, {
    ...deps,
    log: app.log,
    sessionTtlMs: config.sessionTtlMs,
    hubUrl: () => config.publicUrl ?? listeningUrl(app),
  });

  await registerPlugins(app, config, services);
  await registerRoutes(app, config, db, services);
  addLifecycleHooks(app, services);
  if (storage instanceof LocalStorage) await registerLocalStorageRoutes(app, storage);
  serveOpenApi(app);
  // The web app may load thumbnails from, and upload models to, the storage's own origin (S3/R2).
  const storageOrigins =
    storage instanceof LocalStorage
      ? []
      : [new URL(await storage.presignGet('csp-origin-probe', { expiresInSeconds: 60 })).origin];
  await registerWeb(app, config.webDir, { storageOrigins });
  await app.ready();
  return { app, routes, services };
}

/** Every route as it is registered (method, url, whether its config says `public`). */
function recordRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods)
      routes.push({ method, url: route.url, public: route.config?.public === true });
  });
  return routes;
}

/** Error format, hostile text (repaired from agents, refused from people), compression, cookies, rate limits, OpenAPI, owner authentication and metrics, before any route. */
async function registerPlugins(
  app: FastifyInstance,
  config: AppConfig,
  services: HubServices,
): Promise<void> {
  registerErrorHandler(app);
  registerTextInput(app);
  await registerCompression(app);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        'rate_limited',
        `too many attempts; try again in ${Math.ceil(context.ttl / 1000)} s`,
      ),
  });
  await registerOpenApi(app);
  registerAuth(app, services.auth, services.apiTokens, config.tailscaleOwner);
  registerMetrics(app);
}

/** What must finish or stop when the app closes, and the background work it resumes at start. */
function addLifecycleHooks(app: FastifyInstance, services: HubServices): void {
  // Open event streams end before the server waits for its connections to close; the poller stops.
  app.addHook('preClose', async () => services.live.close());
  app.addHook('onClose', async () => services.live.close());
  // Idle stops under way (final sync, provider call) finish before the database closes; so do the
  // activity samples waiting for their batch.
  app.addHook('onClose', () => services.idle.settled());
  app.addHook('onClose', () => services.history.flush());
  // Thumbnails still being made finish before the caller closes the database.
  app.addHook('onClose', () => services.outputs.idle());
  // Thumbnails the last run queued but did not make (in the background: start-up does not wait for them).
  void services.outputs
    .resumeDerivations()
    .catch((error: unknown) => app.log.warn({ err: error }, 'outputs: resuming thumbnails failed'));
}

/** `http://<address>:<port>` of the listening server ('' before it listens). */
function listeningUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') return '';
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}
