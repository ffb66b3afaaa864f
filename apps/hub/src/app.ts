import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import { PODPILOT_VERSION } from '@podpilot/common';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { Db } from './db/db.js';
import type { HubConfig, LifecycleSettings } from './env.js';
import { CostWatch } from './jobs/cost-watch.js';
import { Reconciler } from './jobs/reconciler.js';
import { HttpError } from './lib/http-error.js';
import { registerAuth } from './plugins/auth.js';
import { registerErrorHandler } from './plugins/errors.js';
import { registerMetrics } from './plugins/metrics.js';
import { registerWeb } from './plugins/web.js';
import { useZodCompilers } from './plugins/zod-compilers.js';
import { ProviderRegistry, type ProviderRegistryOptions } from './providers/registry.js';
import { agentRoutes } from './routes/agent.routes.js';
import { agentOutputsRoutes } from './routes/agent-outputs.routes.js';
import { agentSnapshotRoutes } from './routes/agent-snapshot.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { costsRoutes } from './routes/costs.routes.js';
import { filesRoutes } from './routes/files.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { idleRoutes } from './routes/idle.routes.js';
import { instancesRoutes } from './routes/instances.routes.js';
import { lifecycleRoutes } from './routes/lifecycle.routes.js';
import { liveRoutes } from './routes/live.routes.js';
import { modelsRoutes } from './routes/models.routes.js';
import { outputsRoutes } from './routes/outputs.routes.js';
import { profilesRoutes } from './routes/profiles.routes.js';
import { secretsRoutes } from './routes/secrets.routes.js';
import { snapshotsRoutes } from './routes/snapshots.routes.js';
import { tailscaleRoutes } from './routes/tailscale.routes.js';
import { tokensRoutes } from './routes/tokens.routes.js';
import { ActivityRecorder } from './services/agents/activity-recorder.js';
import { AgentsService } from './services/agents/agents.service.js';
import { ApiTokensService } from './services/auth/api-tokens.service.js';
import { AuthService } from './services/auth/auth.service.js';
import { SecretsService, secretsKeyFile } from './services/auth/secrets.service.js';
import { BudgetsService } from './services/costs/budgets.service.js';
import { CostsService } from './services/costs/costs.service.js';
import { IdleService } from './services/costs/idle.service.js';
import { Notifier } from './services/costs/notifier.js';
import { InstancesService } from './services/instances/instances.service.js';
import { LifecycleService } from './services/instances/lifecycle.service.js';
import { LiveFeed } from './services/instances/live-feed.js';
import { OffersService } from './services/instances/offers.service.js';
import { FilesService } from './services/library/files.service.js';
import { ModelsService, type ModelsServiceOptions } from './services/library/models.service.js';
import { ProfilesService } from './services/library/profiles.service.js';
import { OutputsService, type OutputsServiceOptions } from './services/outputs/outputs.service.js';
import { SnapshotsService } from './services/snapshots/snapshots.service.js';
import { TailscaleService, type TailscaleServiceOptions } from './services/tailscale/tailscale.service.js';
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
  services: {
    auth: AuthService;
    apiTokens: ApiTokensService;
    instances: InstancesService;
    profiles: ProfilesService;
    models: ModelsService;
    agents: AgentsService;
    files: FilesService;
    outputs: OutputsService;
    secrets: SecretsService;
    providers: ProviderRegistry;
    offers: OffersService;
    lifecycle: LifecycleService;
    reconciler: Reconciler;
    costs: CostsService;
    budgets: BudgetsService;
    idle: IdleService;
    costWatch: CostWatch;
    live: LiveFeed;
    tailscale: TailscaleService;
    snapshots: SnapshotsService;
  };
}

export interface AppDeps {
  storage: ObjectStorage;
  logger?: FastifyBaseLogger;
  models?: ModelsServiceOptions;
  outputs?: OutputsServiceOptions;
  /**
   * `<PODPILOT_HOME>`: the secrets key file and the local provider's instances live under it. Without it
   * (benches) a fresh temporary folder is used, so stored secrets do not survive the process.
   */
  home?: string;
  lifecycle?: LifecycleSettings;
  /** Provider HTTP timeouts and the local provider's agent command (tests). */
  providers?: Pick<ProviderRegistryOptions, 'timeoutMs' | 'defaultRetryAfterMs' | 'local'>;
  /** The Tailscale API's base URL and timeouts (tests point it at the fake). */
  tailscale?: TailscaleServiceOptions;
  /** The clock of idle stopping, costs and budgets (tests move it by hand). */
  now?: () => number;
}

export type AppConfig = Pick<HubConfig, 'sessionTtlMs' | 'loginMaxPerMinute' | 'webDir' | 'publicUrl'> &
  Partial<Pick<HubConfig, 'tailscaleOwner'>>;

const SETUP_TOKEN_TTL_MS = 24 * 3_600_000;

/** Builds the hub's HTTP app on an open, migrated database and a storage backend. Does not listen. */
export async function buildApp(config: AppConfig, db: Db, deps: AppDeps): Promise<HubApp> {
  const { logger, storage } = deps;
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    trustProxy: false,
    bodyLimit: 1024 * 1024,
  });
  useZodCompilers(app);

  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods)
      routes.push({ method, url: route.url, public: route.config?.public === true });
  });

  const library = new ModelsService(db, storage, deps.models);
  const settings = deps.lifecycle ?? {};
  /** One image variant for every launch, or none (`auto`: per offer, from its host's driver). */
  const pinnedVariant = settings.imageVariant === 'auto' ? undefined : settings.imageVariant;
  const now = deps.now ?? Date.now;
  const idleMinuteMs = settings.idleMinuteMs ?? 60_000;
  const costs = new CostsService(db, now);
  const budgets = new BudgetsService(db, costs, now);
  const services = {
    auth: new AuthService(db, { sessionTtlMs: config.sessionTtlMs, setupTokenTtlMs: SETUP_TOKEN_TTL_MS }),
    apiTokens: new ApiTokensService(db),
    instances: new InstancesService(db, { costs, idleMinuteMs, now }),
    profiles: new ProfilesService(db),
    models: library,
    agents: new AgentsService(db, storage, library, now),
    files: new FilesService(storage),
    outputs: new OutputsService(db, storage, app.log, deps.outputs),
  };
  const home = deps.home ?? mkdtempSync(join(tmpdir(), 'podpilot-hub-'));
  const hubUrl = () => config.publicUrl ?? listeningUrl(app);
  const secrets = new SecretsService(db, { key: settings.secretsKey, keyFile: secretsKeyFile(home) });
  const tailscale = new TailscaleService(db, secrets, app.log, deps.tailscale);
  services.agents.onRegistered((id) => tailscale.agentRegistered(id));
  const providers = new ProviderRegistry(secrets, {
    home,
    hubUrl,
    vastaiUrl: settings.vastaiUrl,
    runpodUrl: settings.runpodUrl,
    ...deps.providers,
  });
  const lifecycle = new LifecycleService(
    db,
    providers,
    services.instances,
    services.agents,
    services.outputs,
    {
      finalSyncMs: settings.finalSyncMs ?? 120_000,
      imagePrefix: settings.imagePrefix ?? 'ghcr.io/podpilot/podpilot',
      ...(pinnedVariant ? { imageVariant: pinnedVariant } : {}),
      hubUrl,
      budget: budgets,
      tailscale,
    },
    app.log,
  );
  const reconciler = new Reconciler(
    db,
    providers,
    lifecycle,
    {
      launchTimeoutMs: settings.launchTimeoutMs ?? 120_000,
      bootTimeoutMs: settings.bootTimeoutMs ?? 1_800_000,
      tailscale,
    },
    app.log,
  );
  const notifier = new Notifier(db, settings.webhookUrl, app.log, now);
  const history = new ActivityRecorder(db, now, app.log);
  const idle = new IdleService(db, lifecycle, notifier, { minuteMs: idleMinuteMs, now, history }, app.log);
  const live = new LiveFeed(db, services.instances, { idleMinuteMs, now }, app.log);
  services.agents.observeHeartbeats((id, report) => idle.afterHeartbeat(id, report));
  const allServices = {
    ...services,
    tailscale,
    costs,
    budgets,
    idle,
    costWatch: new CostWatch(db, idle, budgets, notifier, app.log),
    secrets,
    providers,
    offers: new OffersService(providers, pinnedVariant ? { pinnedVariant } : {}),
    lifecycle,
    reconciler,
    live,
    snapshots: new SnapshotsService(db, storage),
  };

  registerErrorHandler(app);
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
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'PodPilot hub API', version: PODPILOT_VERSION },
      components: {
        securitySchemes: {
          apiToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token (pp_…) from Settings or POST /api/tokens',
          },
          session: { type: 'apiKey', in: 'cookie', name: 'podpilot_session' },
        },
      },
      security: [{ apiToken: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  registerAuth(app, services.auth, services.apiTokens, config.tailscaleOwner);
  registerMetrics(app);

  const secureCookies = config.publicUrl?.startsWith('https:') ?? false;
  await app.register(healthRoutes, { db });
  await app.register(authRoutes, {
    auth: services.auth,
    secureCookies,
    loginMaxPerMinute: config.loginMaxPerMinute,
    tailscaleOwner: config.tailscaleOwner,
  });
  await app.register(tokensRoutes, { apiTokens: services.apiTokens });
  await app.register(instancesRoutes, { instances: services.instances });
  await app.register(profilesRoutes, { profiles: services.profiles });
  await app.register(modelsRoutes, { models: services.models });
  await app.register(filesRoutes, { files: services.files });
  await app.register(agentRoutes, { agents: services.agents });
  await app.register(agentOutputsRoutes, { agents: services.agents, outputs: services.outputs });
  await app.register(agentSnapshotRoutes, { agents: services.agents, snapshots: allServices.snapshots });
  await app.register(snapshotsRoutes, { snapshots: allServices.snapshots });
  await app.register(outputsRoutes, { outputs: services.outputs });
  await app.register(secretsRoutes, { secrets });
  await app.register(lifecycleRoutes, { lifecycle, offers: allServices.offers });
  await app.register(idleRoutes, { idle, instances: services.instances });
  await app.register(costsRoutes, { costs, budgets });
  await app.register(tailscaleRoutes, { tailscale });
  await app.register(liveRoutes, {
    feed: live,
    history,
    instances: services.instances,
    credentials: { auth: services.auth, apiTokens: services.apiTokens },
  });
  // Open event streams end before the server waits for its connections to close; the poller stops.
  app.addHook('preClose', async () => live.close());
  app.addHook('onClose', async () => live.close());
  // Idle stops under way (final sync, provider call) finish before the database closes.
  app.addHook('onClose', () => idle.settled());
  // Thumbnails still being made finish before the caller closes the database.
  app.addHook('onClose', () => services.outputs.idle());
  // Thumbnails the last run queued but did not make (in the background: start-up does not wait for them).
  void services.outputs
    .resumeDerivations()
    .catch((error: unknown) => app.log.warn({ err: error }, 'outputs: resuming thumbnails failed'));
  if (storage instanceof LocalStorage) await registerLocalStorageRoutes(app, storage);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // The web app may load thumbnails from, and upload models to, the storage's own origin (S3/R2).
  const storageOrigins =
    storage instanceof LocalStorage
      ? []
      : [new URL(await storage.presignGet('csp-origin-probe', { expiresInSeconds: 60 })).origin];
  await registerWeb(app, config.webDir, { storageOrigins });
  await app.ready();
  return { app, routes, services: allServices };
}

/** `http://<address>:<port>` of the listening server ('' before it listens). */
function listeningUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') return '';
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}
