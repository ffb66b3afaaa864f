import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, configProblems } from '@podpilot/common';
import * as z from 'zod';
import { HUB_SETTINGS } from './env-settings.js';
import { webhookUrlProblem } from './lib/webhook-url.js';
import type { DeadlineSettings } from './services/instances/deadline-rules.js';
import { type StorageConfig, storageConfigFrom } from './storage/settings.js';

export { HUB_SETTINGS };

type Settings = typeof HUB_SETTINGS;
const envSchema = z.object(
  Object.fromEntries(Object.entries(HUB_SETTINGS).map(([k, v]) => [k, v.schema])) as {
    [K in keyof Settings]: Settings[K]['schema'];
  },
);

/** Settings of the instance lifecycle: secrets, providers, timeouts. Defaults: LIFECYCLE_DEFAULTS. */
export interface LifecycleSettings {
  /** base64 of 32 bytes; default a key file under `<home>/keys/`. */
  secretsKey: string | undefined;
  vastaiUrl: string | undefined;
  runpodUrl: string | undefined;
  /** Model sites (docs/model-sources.md): lookups, and the only origins their tokens go to. */
  huggingfaceUrl: string | undefined;
  civitaiUrl: string | undefined;
  /** Images are `<imagePrefix>/<ui kind>:<variant>-<imageTag>`. */
  imagePrefix: string;
  /** The images' tag after `<variant>-`; unset: the hub's own version. */
  imageTag: string | undefined;
  /** One variant for every launch; `auto`: chosen per offer from its host's CUDA version. */
  imageVariant: 'auto' | 'cu121' | 'cu124' | 'cu128';
  finalSyncMs: number;
  reconcileEveryMs: number;
  launchTimeoutMs: number;
  bootTimeoutMs: number;
  /** Lifecycle deadlines (docs/lifecycle.md): not registered, provisioning without progress, agent silent. */
  deadlines: DeadlineSettings;
  /** JSON POSTs for idle and budget notices. */
  webhookUrl: string | undefined;
  /** Private hosts, addresses and ranges the hub's own outbound requests may reach (PODPILOT_OUTBOUND_ALLOW). */
  outboundAllow: string[];
  costWatchEveryMs: number;
  /** Length of an idle minute (60 000; tests shorten it). */
  idleMinuteMs: number;
}

type EnvValues = z.infer<typeof envSchema>;

function lifecycleFrom(e: EnvValues): LifecycleSettings {
  return {
    secretsKey: e.PODPILOT_SECRETS_KEY ?? e.PODPILOT_SECRET_KEY,
    vastaiUrl: e.PODPILOT_VASTAI_URL,
    runpodUrl: e.PODPILOT_RUNPOD_URL,
    huggingfaceUrl: e.PODPILOT_HUGGINGFACE_URL,
    civitaiUrl: e.PODPILOT_CIVITAI_URL,
    imagePrefix: e.PODPILOT_IMAGE_PREFIX,
    imageTag: e.PODPILOT_IMAGE_TAG,
    imageVariant: e.PODPILOT_IMAGE_VARIANT,
    finalSyncMs: e.PODPILOT_FINAL_SYNC_SECONDS * 1000,
    reconcileEveryMs: e.PODPILOT_RECONCILE_SECONDS * 1000,
    launchTimeoutMs: e.PODPILOT_LAUNCH_TIMEOUT_SECONDS * 1000,
    bootTimeoutMs: e.PODPILOT_BOOT_TIMEOUT_SECONDS * 1000,
    deadlines: {
      registerMs: e.PODPILOT_REGISTER_DEADLINE_SECONDS * 1000,
      provisionMs: e.PODPILOT_PROVISION_DEADLINE_SECONDS * 1000,
      silentMs: e.PODPILOT_SILENT_DEADLINE_SECONDS * 1000,
    },
    webhookUrl: e.PODPILOT_WEBHOOK_URL,
    outboundAllow: e.PODPILOT_OUTBOUND_ALLOW,
    costWatchEveryMs: e.PODPILOT_COST_WATCH_SECONDS * 1000,
    idleMinuteMs: e.PODPILOT_IDLE_MINUTE_SECONDS * 1000,
  };
}

/**
 * Every lifecycle setting as an empty environment gives it: what the hub app uses for settings a caller
 * (a test, a bench) leaves out. The defaults live once, in HUB_SETTINGS above.
 */
export const LIFECYCLE_DEFAULTS: Readonly<LifecycleSettings> = Object.freeze(
  lifecycleFrom(envSchema.parse({})),
);

export interface HubConfig {
  home: string;
  host: string;
  port: number;
  databaseUrl: string | undefined;
  publicUrl: string | undefined;
  logLevel: z.infer<Settings['PODPILOT_LOG_LEVEL']['schema']>;
  logFormat: 'json' | 'pretty';
  webDir: string;
  sessionTtlMs: number;
  loginMaxPerMinute: number;
  /** `tailscale serve` identity login for this tailnet login (PODPILOT_TAILSCALE_OWNER); off when unset. */
  tailscaleOwner: string | undefined;
  shutdownTimeoutMs: number;
  storage: StorageConfig;
  lifecycle: LifecycleSettings;
  /** Where migrations are read from; tests point it elsewhere. */
  migrationsDir?: string;
}

const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Parses the hub's environment; throws ConfigError naming each bad variable. Empty strings count as unset. */
export function loadHubConfig(env: Record<string, string | undefined> = process.env): HubConfig {
  const source = Object.fromEntries(
    Object.keys(HUB_SETTINGS).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) throw new ConfigError(configProblems(parsed.error, source));
  const e = parsed.data;
  const webhookProblem =
    e.PODPILOT_WEBHOOK_URL && webhookUrlProblem(e.PODPILOT_WEBHOOK_URL, e.PODPILOT_OUTBOUND_ALLOW);
  if (webhookProblem) throw new ConfigError([`PODPILOT_WEBHOOK_URL: ${webhookProblem}`]);
  const home = resolve(e.PODPILOT_HOME);
  return {
    home,
    host: e.PODPILOT_HOST,
    port: e.PODPILOT_PORT,
    databaseUrl: e.DATABASE_URL,
    publicUrl: e.PODPILOT_PUBLIC_URL?.replace(/\/+$/, ''),
    logLevel: e.PODPILOT_LOG_LEVEL,
    logFormat: e.PODPILOT_LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),
    webDir: resolve(e.PODPILOT_WEB_DIR ?? DEFAULT_WEB_DIR),
    sessionTtlMs: e.PODPILOT_SESSION_TTL_HOURS * 3_600_000,
    loginMaxPerMinute: e.PODPILOT_LOGIN_MAX_PER_MINUTE,
    tailscaleOwner: e.PODPILOT_TAILSCALE_OWNER,
    shutdownTimeoutMs: e.PODPILOT_SHUTDOWN_TIMEOUT_SECONDS * 1000,
    storage: storageConfigFrom(e, home),
    lifecycle: lifecycleFrom(e),
  };
}
