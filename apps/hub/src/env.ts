import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, configProblems } from '@podpilot/common';
import { z } from 'zod';
import { STORAGE_SETTINGS, type StorageConfig, storageConfigFrom } from './storage/settings.js';

const int = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `expected a whole number from ${min} to ${max}`)
        .max(max, `expected a whole number from ${min} to ${max}`),
    )
    .default(fallback);

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => URL.canParse(v) && /^postgres(ql)?:$/.test(new URL(v).protocol), {
    message: 'expected a postgres:// or postgresql:// URL',
  });

/**
 * Every hub setting, in one place: the zod schema for validation, and the flag and help text for
 * `podpilot hub --help` and the README's configuration table.
 */
export const HUB_SETTINGS = {
  PODPILOT_HOME: {
    flag: '--home <dir>',
    help: 'folder for the embedded database, local storage and keys',
    schema: z.string().trim().min(1, 'expected a folder path').default('.podpilot'),
    fallback: './.podpilot',
  },
  PODPILOT_HOST: {
    flag: '--host <address>',
    help: 'address to listen on (0.0.0.0 for every interface, or the tailnet address)',
    schema: z.string().trim().min(1, 'expected a host name or IP address').default('127.0.0.1'),
    fallback: '127.0.0.1',
  },
  PODPILOT_PORT: {
    flag: '--port <n>',
    help: 'port to listen on (0 picks a free one)',
    schema: int(0, 65535, 7300),
    fallback: '7300',
  },
  DATABASE_URL: {
    flag: '--database-url <url>',
    help: 'PostgreSQL URL; without it the hub uses embedded PGlite in <home>/db',
    schema: postgresUrl.optional(),
    fallback: '(PGlite)',
  },
  PODPILOT_PUBLIC_URL: {
    flag: '--public-url <url>',
    help: 'URL people and agents use to reach the hub (links, cookies); default http://<host>:<port>',
    schema: z.url({ message: 'expected an http(s) URL' }).optional(),
    fallback: 'http://<host>:<port>',
  },
  PODPILOT_LOG_LEVEL: {
    flag: '--log-level <level>',
    help: 'fatal, error, warn, info, debug or trace',
    schema: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'], {
        message: 'expected one of fatal, error, warn, info, debug, trace',
      })
      .default('info'),
    fallback: 'info',
  },
  PODPILOT_LOG_FORMAT: {
    flag: '--log-format <format>',
    help: 'json (one object a line) or pretty; default pretty in a terminal, json otherwise',
    schema: z.enum(['json', 'pretty'], { message: 'expected json or pretty' }).optional(),
    fallback: 'auto',
  },
  PODPILOT_WEB_DIR: {
    flag: '--web-dir <dir>',
    help: 'folder of the built web app to serve',
    schema: z.string().trim().min(1).optional(),
    fallback: 'apps/web/dist',
  },
  ...STORAGE_SETTINGS,
  PODPILOT_SESSION_TTL_HOURS: {
    flag: undefined,
    help: 'hours a browser session lasts without use',
    schema: int(1, 24 * 365, 24 * 30),
    fallback: '720',
  },
  PODPILOT_LOGIN_MAX_PER_MINUTE: {
    flag: undefined,
    help: 'login and setup attempts allowed per client address per minute',
    schema: int(1, 10_000, 10),
    fallback: '10',
  },
  PODPILOT_SECRETS_KEY: {
    flag: undefined,
    help: 'base64 of the 32-byte key that encrypts provider credentials; default a key file <home>/keys/secrets.key made on first use',
    schema: z
      .string()
      .trim()
      .refine((v) => Buffer.from(v, 'base64').length === 32, { message: 'expected 32 bytes in base64' })
      .optional(),
    fallback: '<home>/keys/secrets.key',
  },
  PODPILOT_SECRET_KEY: {
    flag: undefined,
    help: 'the same as PODPILOT_SECRETS_KEY (either name works): base64 of the 32-byte key that encrypts provider credentials; default a key file <home>/keys/secrets.key made on first use',
    schema: z
      .string()
      .trim()
      .refine((v) => Buffer.from(v, 'base64').length === 32, { message: 'expected 32 bytes in base64' })
      .optional(),
    fallback: '<home>/keys/secrets.key',
  },
  PODPILOT_VASTAI_URL: {
    flag: undefined,
    help: 'base URL of the Vast.ai API (tests point it at a fake)',
    schema: z.url({ message: 'expected an http(s) URL' }).optional(),
    fallback: 'https://console.vast.ai/api/v0',
  },
  PODPILOT_RUNPOD_URL: {
    flag: undefined,
    help: 'base URL of the Runpod REST API (tests point it at a fake)',
    schema: z.url({ message: 'expected an http(s) URL' }).optional(),
    fallback: 'https://api.runpod.io/v2',
  },
  PODPILOT_IMAGE_PREFIX: {
    flag: undefined,
    help: 'container image per UI kind: <prefix>/<ui kind>:<variant> (docker-bake.hcl tags ghcr.io/<owner>/podpilot/<name>:<variant>)',
    schema: z.string().trim().min(1).default('ghcr.io/podpilot/podpilot'),
    fallback: 'ghcr.io/podpilot/podpilot',
  },
  PODPILOT_IMAGE_VARIANT: {
    flag: undefined,
    help: "CUDA variant of the images: auto (the newest the offer's host driver runs; cu124 when unknown), or cu121, cu124, cu128 for all",
    schema: z
      .enum(['auto', 'cu121', 'cu124', 'cu128'], { message: 'expected auto, cu121, cu124 or cu128' })
      .default('auto'),
    fallback: 'auto',
  },
  PODPILOT_FINAL_SYNC_SECONDS: {
    flag: undefined,
    help: "seconds stop and destroy wait for the agent's final output sync before calling the provider",
    schema: int(0, 3600, 120),
    fallback: '120',
  },
  PODPILOT_RECONCILE_SECONDS: {
    flag: undefined,
    help: "seconds between reconciler runs (compares each provider's instances with the database)",
    schema: int(5, 3600, 30),
    fallback: '30',
  },
  PODPILOT_LAUNCH_TIMEOUT_SECONDS: {
    flag: undefined,
    help: 'seconds a launch may go unanswered before the reconciler resolves it by label (adopt or fail)',
    schema: int(0, 3600, 120),
    fallback: '120',
  },
  PODPILOT_BOOT_TIMEOUT_SECONDS: {
    flag: undefined,
    help: 'seconds an instance may stay not-running at the provider before it is destroyed and marked failed',
    schema: int(60, 24 * 3600, 1800),
    fallback: '1800',
  },
  PODPILOT_TAILSCALE_OWNER: {
    flag: undefined,
    help: "the owner's tailnet login (e.g. alice@example.com): behind `tailscale serve` on this machine, its identity header logs the owner in; off when unset",
    schema: z.string().trim().min(3).max(320).optional(),
    fallback: 'off',
  },
  PODPILOT_WEBHOOK_URL: {
    flag: undefined,
    help: 'URL that gets a JSON POST for idle warnings, idle stops and budget warnings (besides the event log)',
    schema: z.url({ message: 'expected an http(s) URL' }).optional(),
    fallback: 'none',
  },
  PODPILOT_COST_WATCH_SECONDS: {
    flag: undefined,
    help: 'seconds between checks of silent instances and budgets (heartbeats are judged as they arrive)',
    schema: int(1, 3600, 15),
    fallback: '15',
  },
  PODPILOT_IDLE_MINUTE_SECONDS: {
    flag: undefined,
    help: 'length of an idle minute in seconds; only tests and demos shorten it',
    schema: int(1, 60, 60),
    fallback: '60',
  },
  PODPILOT_SHUTDOWN_TIMEOUT_SECONDS: {
    flag: undefined,
    help: 'seconds to let requests finish on SIGTERM/SIGINT before exiting anyway',
    schema: int(1, 600, 10),
    fallback: '10',
  },
} as const;

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
  /** Images are `<imagePrefix>/<ui kind>:<variant>`. */
  imagePrefix: string;
  /** One variant for every launch; `auto`: chosen per offer from its host's CUDA version. */
  imageVariant: 'auto' | 'cu121' | 'cu124' | 'cu128';
  finalSyncMs: number;
  reconcileEveryMs: number;
  launchTimeoutMs: number;
  bootTimeoutMs: number;
  /** JSON POSTs for idle and budget notices. */
  webhookUrl: string | undefined;
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
    imagePrefix: e.PODPILOT_IMAGE_PREFIX,
    imageVariant: e.PODPILOT_IMAGE_VARIANT,
    finalSyncMs: e.PODPILOT_FINAL_SYNC_SECONDS * 1000,
    reconcileEveryMs: e.PODPILOT_RECONCILE_SECONDS * 1000,
    launchTimeoutMs: e.PODPILOT_LAUNCH_TIMEOUT_SECONDS * 1000,
    bootTimeoutMs: e.PODPILOT_BOOT_TIMEOUT_SECONDS * 1000,
    webhookUrl: e.PODPILOT_WEBHOOK_URL,
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
