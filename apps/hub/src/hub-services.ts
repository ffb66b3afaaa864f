import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderKind } from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from './db/db.js';
import { LIFECYCLE_DEFAULTS, type LifecycleSettings } from './env.js';
import { CostWatch } from './jobs/cost-watch.js';
import { DeadlineWatch } from './jobs/deadlines.js';
import { NotificationWatch } from './jobs/notification-watch.js';
import { Reconciler } from './jobs/reconciler.js';
import { OutboundGuard } from './lib/outbound-guard.js';
import { ProviderRegistry, type ProviderRegistryOptions } from './providers/registry.js';
import { ActivityRecorder } from './services/agents/activity-recorder.js';
import { AgentsService } from './services/agents/agents.service.js';
import { BootstrapTokens } from './services/agents/bootstrap-tokens.js';
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
import { WebuiLinks } from './services/instances/webui-links.service.js';
import { FilesService } from './services/library/files.service.js';
import { ModelsService, type ModelsServiceOptions } from './services/library/models.service.js';
import { ProfilesService } from './services/library/profiles.service.js';
import { NotificationsService } from './services/notifications/notifications.service.js';
import { OutputsService, type OutputsServiceOptions } from './services/outputs/outputs.service.js';
import { SnapshotsService } from './services/snapshots/snapshots.service.js';
import { TailscaleService, type TailscaleServiceOptions } from './services/tailscale/tailscale.service.js';
import type { ObjectStorage } from './storage/index.js';

/** What the services are built from, beside the database. */
export interface ServiceDeps {
  storage: ObjectStorage;
  log: FastifyBaseLogger;
  /** How long a browser session lasts without use. */
  sessionTtlMs: number;
  /** The hub's URL as agents reach it; read when needed (known once the hub listens). */
  hubUrl: () => string;
  models?: ModelsServiceOptions;
  outputs?: OutputsServiceOptions;
  /**
   * `<PODPILOT_HOME>`: the secrets key file and the local provider's instances live under it. Without it
   * (benches) a fresh temporary folder is used, so stored secrets do not survive the process.
   */
  home?: string;
  /** Settings left out take LIFECYCLE_DEFAULTS (env.ts). */
  lifecycle?: Partial<LifecycleSettings>;
  /** Provider HTTP timeouts and the local provider's agent command (tests). */
  providers?: Pick<ProviderRegistryOptions, 'timeoutMs' | 'defaultRetryAfterMs' | 'local'>;
  /** The Tailscale API's base URL and timeouts (tests point it at the fake). */
  tailscale?: TailscaleServiceOptions;
  /** The clock of idle stopping, costs and budgets (tests move it by hand). */
  now?: () => number;
}

const SETUP_TOKEN_TTL_MS = 24 * 3_600_000;

type Settings = LifecycleSettings & {
  pinnedVariant: 'cu121' | 'cu124' | 'cu128' | undefined;
  now: () => number;
};

/** The services that depend on no lifecycle: accounts, secrets, costs, the library, outputs, providers. */
function foundation(db: Db, deps: ServiceDeps, settings: Settings) {
  const { storage, log, now } = { ...deps, now: settings.now };
  const home = deps.home ?? mkdtempSync(join(tmpdir(), 'podpilot-hub-'));
  const secrets = new SecretsService(db, { key: settings.secretsKey, keyFile: secretsKeyFile(home) });
  const costs = new CostsService(db, now);
  const providers = new ProviderRegistry(secrets, {
    home,
    hubUrl: deps.hubUrl,
    vastaiUrl: settings.vastaiUrl,
    runpodUrl: settings.runpodUrl,
    ...deps.providers,
  });
  return {
    auth: new AuthService(db, { sessionTtlMs: deps.sessionTtlMs, setupTokenTtlMs: SETUP_TOKEN_TTL_MS }),
    apiTokens: new ApiTokensService(db),
    secrets,
    costs,
    budgets: new BudgetsService(db, costs, now),
    models: new ModelsService(db, storage, {
      secrets,
      huggingfaceUrl: settings.huggingfaceUrl,
      civitaiUrl: settings.civitaiUrl,
      outboundAllow: settings.outboundAllow,
      ...deps.models,
    }),
    profiles: new ProfilesService(db),
    files: new FilesService(storage),
    outputs: new OutputsService(db, storage, log, deps.outputs),
    tailscale: new TailscaleService(db, secrets, log, deps.tailscale),
    providers,
    instances: new InstancesService(db, {
      costs,
      idleMinuteMs: settings.idleMinuteMs,
      now,
      // The WebUI's public address needs the provider's port mapping (InstanceAccess caches it).
      providerInstance: async (kind, id) => (await providers.get(kind as ProviderKind)).get(id),
    }),
  };
}

/** The instance lifecycle, with the options the settings give it. */
function lifecycleOf(
  db: Db,
  base: ReturnType<typeof foundation>,
  bootstrapTokens: BootstrapTokens,
  settings: Settings,
  deps: ServiceDeps,
): LifecycleService {
  const options = {
    finalSyncMs: settings.finalSyncMs,
    imagePrefix: settings.imagePrefix,
    ...(settings.imageTag ? { imageTag: settings.imageTag } : {}),
    ...(settings.pinnedVariant ? { imageVariant: settings.pinnedVariant } : {}),
    hubUrl: deps.hubUrl,
    budget: base.budgets,
    tailscale: base.tailscale,
  };
  return new LifecycleService(
    db,
    base.providers,
    base.instances,
    bootstrapTokens,
    base.outputs,
    options,
    deps.log,
  );
}

/**
 * Builds every service of the hub once, in dependency order: each is constructed with everything it uses,
 * nothing is attached afterwards. Starts nothing (jobs start in server.ts).
 */
export function buildServices(db: Db, deps: ServiceDeps) {
  const merged: LifecycleSettings = { ...LIFECYCLE_DEFAULTS, ...deps.lifecycle };
  const pinnedVariant = merged.imageVariant === 'auto' ? undefined : merged.imageVariant;
  const settings: Settings = { ...merged, pinnedVariant, now: deps.now ?? Date.now };
  const { log } = deps;
  const base = foundation(db, deps, settings);
  const { providers, tailscale, now } = { ...base, now: settings.now };
  const bootstrapTokens = new BootstrapTokens(db);
  const lifecycle = lifecycleOf(db, base, bootstrapTokens, settings, deps);
  const guard = new OutboundGuard({ allow: settings.outboundAllow });
  const notifications = new NotificationsService(db, base.secrets, log, {
    envUrl: settings.webhookUrl,
    outboundAllow: settings.outboundAllow,
    guard,
    now,
  });
  const notificationWatch = new NotificationWatch(db, notifications, log);
  const notifier = new Notifier(db, () => notificationWatch.wake());
  const history = new ActivityRecorder(db, now, log);
  const idleOptions = { minuteMs: settings.idleMinuteMs, now, history };
  const idle = new IdleService(db, lifecycle, notifier, idleOptions, log);
  const reconcile = {
    launchTimeoutMs: settings.launchTimeoutMs,
    bootTimeoutMs: settings.bootTimeoutMs,
    tailscale,
  };
  return {
    ...base,
    bootstrapTokens,
    lifecycle,
    reconciler: new Reconciler(db, providers, lifecycle, reconcile, log),
    offers: new OffersService(providers, pinnedVariant ? { pinnedVariant } : {}),
    history,
    idle,
    notifications,
    notificationWatch,
    costWatch: new CostWatch(db, idle, base.budgets, notifier, log),
    deadlines: new DeadlineWatch(
      db,
      lifecycle,
      notifier,
      { deadlines: settings.deadlines, timeouts: reconcile, now },
      log,
    ),
    live: new LiveFeed(db, base.instances, { idleMinuteMs: settings.idleMinuteMs, now }, log),
    agents: new AgentsService(db, deps.storage, base.models, {
      now,
      onRegistered: (id) => tailscale.agentRegistered(id),
      onHeartbeat: (id, report) => idle.afterHeartbeat(id, report),
    }),
    snapshots: new SnapshotsService(db, deps.storage),
    webuiLinks: new WebuiLinks(db, base.instances, { now }),
  };
}

/** Every service of one hub, as buildServices makes them. */
export type HubServices = ReturnType<typeof buildServices>;
