import * as z from 'zod';
import { allowEntryProblem, splitAllowSetting } from './lib/outbound-address.js';
import { STORAGE_SETTINGS } from './storage/settings.js';

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

/** `PODPILOT_OUTBOUND_ALLOW`: comma-separated host names, addresses and CIDR ranges, each checked. */
const outboundAllow = z
  .string()
  .transform(splitAllowSetting)
  .superRefine((entries, ctx) => {
    for (const entry of entries) {
      const problem = allowEntryProblem(entry);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }
  })
  .default([]);

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
  PODPILOT_HUGGINGFACE_URL: {
    flag: undefined,
    help: 'base URL of Hugging Face: model lookups, and the only origin huggingface.token is sent to (tests point it at a fake)',
    schema: z.url({ message: 'expected an http(s) URL' }).optional(),
    fallback: 'https://huggingface.co',
  },
  PODPILOT_CIVITAI_URL: {
    flag: undefined,
    help: 'base URL of Civitai: its API for models add, and the only origin civitai.token is sent to (tests point it at a fake)',
    schema: z.url({ message: 'expected an http(s) URL' }).optional(),
    fallback: 'https://civitai.com',
  },
  PODPILOT_IMAGE_PREFIX: {
    flag: undefined,
    help: 'container image per UI kind: <prefix>/<ui kind>:<variant>-<tag> (docker-bake.hcl tags ghcr.io/<owner>/podpilot/<name>:<variant>-<version>)',
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
  PODPILOT_IMAGE_TAG: {
    flag: undefined,
    help: "what follows <variant>- in the images' tag: the hub's own version (the images it was released with, whose agent speaks its protocol), or another build's (a git sha) for development",
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}$/, {
        message: 'expected a Docker tag: letters, digits, _ . -',
      })
      .optional(),
    fallback: 'the hub version',
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
  PODPILOT_REGISTER_DEADLINE_SECONDS: {
    flag: undefined,
    help: 'seconds an instance may run at the provider without its agent reporting before it is stopped (deadline)',
    schema: int(1, 24 * 3600, 900),
    fallback: '900',
  },
  PODPILOT_PROVISION_DEADLINE_SECONDS: {
    flag: undefined,
    help: 'seconds provisioning may go without progress (no agent event) before the instance is stopped (deadline)',
    schema: int(1, 24 * 3600, 1200),
    fallback: '1200',
  },
  PODPILOT_SILENT_DEADLINE_SECONDS: {
    flag: undefined,
    help: 'seconds a running agent may stay silent (no heartbeat) before its instance is stopped (deadline)',
    schema: int(1, 24 * 3600, 600),
    fallback: '600',
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
  PODPILOT_OUTBOUND_ALLOW: {
    flag: undefined,
    help: 'comma-separated host names, addresses and CIDR ranges (10.0.0.0/8, models.lan) the hub may reach although not public: model URL lookups, model-site APIs and webhooks go to public addresses only otherwise',
    schema: outboundAllow,
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
