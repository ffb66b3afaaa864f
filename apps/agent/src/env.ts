import { resolve } from 'node:path';
import { ConfigError, configProblems } from '@podpilot/common';
import * as z from 'zod';
import { type PythonSettings, pythonSettings } from './python/settings.js';

/**
 * The agent's settings, passed by the hub through the container's environment at launch.
 * Validated once at start; a bad value stops the agent with a line naming the variable.
 */
export const AgentEnv = z.object({
  PODPILOT_HUB_URL: z.url({ message: 'expected the hub URL, e.g. http://100.64.0.1:7300' }),
  /**
   * An HTTP proxy every agent → hub call goes through, e.g. tailscaled's `--outbound-http-proxy-listen`
   * (`http://localhost:1055`) in a container where tailscaled runs with `--tun=userspace-networking` and the
   * tailnet is reachable only through it.
   */
  PODPILOT_HUB_PROXY: z
    .url({
      protocol: /^http$/,
      message: 'expected an http://host:port proxy URL, e.g. http://localhost:1055',
    })
    .optional(),
  PODPILOT_BOOTSTRAP_TOKEN: z
    .string()
    .min(1, 'expected the one-time bootstrap token from the launch')
    .optional(),
  PODPILOT_WORKSPACE: z.string().min(1, 'expected a folder path').default('/workspace'),
  PODPILOT_INSTANCE_ID: z.uuid({ message: 'expected the PodPilot instance id (UUID)' }).optional(),
  PODPILOT_PROVIDER: z
    .enum(['vastai', 'runpod', 'local'], { message: 'expected one of vastai, runpod, local' })
    .optional(),
  /** The provider's own id of this instance; when unset, read from what the provider sets in the container. */
  PODPILOT_PROVIDER_INSTANCE_ID: z.string().min(1).max(200).optional(),
  /** On SIGTERM, how long the agent may take to upload the outputs still waiting before it exits. */
  PODPILOT_FINAL_SYNC_SECONDS: z.coerce
    .number({ message: 'expected whole seconds' })
    .int('expected whole seconds')
    .min(0, 'expected 0 or more seconds')
    .max(3600, 'expected at most 3600 seconds')
    .default(120),
  /**
   * Dead-man switch: minutes without reaching the hub after which an idle instance syncs its outputs and
   * stops itself (through the provider's in-container API key); 0 turns it off.
   */
  PODPILOT_DEADMAN_MINUTES: z.coerce
    .number({ message: 'expected whole minutes' })
    .int('expected whole minutes')
    .min(0, 'expected 0 (off) or more minutes')
    .max(1440, 'expected at most 1440 minutes')
    .default(30),
  /**
   * The WebUI's port when not the UI kind's default (a port the profile's args name still wins). The local
   * provider gives each instance a free one, since its instances share the machine's ports.
   */
  PODPILOT_WEBUI_PORT: z.coerce
    .number({ message: 'expected a TCP port number' })
    .int('expected a TCP port number')
    .min(1, 'expected a TCP port number (1-65535)')
    .max(65535, 'expected a TCP port number (1-65535)')
    .optional(),
  /**
   * `link`: the WebUI listens on loopback only and the agent's proxy fronts it on its port, letting in only
   * browsers that opened a one-time link the hub signed (set by the hub for launches on a public address).
   */
  PODPILOT_WEBUI_AUTH: z.enum(['none', 'link'], { message: 'expected none or link' }).default('none'),
  /**
   * The interpreter the instance's overlay venv is made over (its packages stay, extensions' go on top): the
   * image's `/opt/venv/bin/python` by default when it exists, else the host's `python3` (the local provider).
   */
  PODPILOT_PYTHON: z
    .string()
    .trim()
    .min(1, 'expected a python interpreter, e.g. /opt/venv/bin/python')
    .optional(),
  /** Where the image keeps the UI as built (the entrypoint's seed): its commit's requirements are installed. */
  PODPILOT_UI_SEED_DIR: z.string().trim().min(1, 'expected a folder path').optional(),
  /** The providers' API base URLs for the self-stop (tests point them at fakes). */
  PODPILOT_VASTAI_URL: z.url({ message: 'expected an http(s) URL' }).optional(),
  PODPILOT_RUNPOD_URL: z.url({ message: 'expected an http(s) URL' }).optional(),
  PODPILOT_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'], {
      message: 'expected one of fatal, error, warn, info, debug, trace',
    })
    .default('info'),
});
export type AgentEnv = z.infer<typeof AgentEnv>;

export interface AgentConfig {
  hubUrl: string;
  /** The proxy for hub calls (PODPILOT_HUB_PROXY); undefined: connect directly. */
  hubProxy: string | undefined;
  bootstrapToken: string | undefined;
  workspace: string;
  instanceId: string | undefined;
  logLevel: AgentEnv['PODPILOT_LOG_LEVEL'];
  finalSyncSeconds: number;
  /** 0: the dead-man switch is off. */
  deadmanMinutes: number;
  /** The WebUI's port instead of the UI kind's default (PODPILOT_WEBUI_PORT); undefined: the kind's. */
  webuiPort: number | undefined;
  /** `link`: the WebUI is reached only through the agent's authenticating proxy (PODPILOT_WEBUI_AUTH). */
  webuiAuth: AgentEnv['PODPILOT_WEBUI_AUTH'];
  /** The base interpreter and the image's UI seed (PODPILOT_PYTHON, PODPILOT_UI_SEED_DIR). */
  python: PythonSettings;
  providerUrls: { vastai?: string; runpod?: string };
  /** Provider hints sent at registration, so the hub can match the container to the rental. */
  provider: { kind: string; instanceId?: string } | undefined;
}

/**
 * What the container says about its provider: PODPILOT_PROVIDER(_INSTANCE_ID) when the launch set them,
 * else Vast.ai's CONTAINER_ID or Runpod's RUNPOD_POD_ID (see shared/provider-apis.md).
 */
function providerHints(e: AgentEnv, env: Record<string, string | undefined>): AgentConfig['provider'] {
  const detected = env.RUNPOD_POD_ID
    ? { kind: 'runpod', instanceId: env.RUNPOD_POD_ID }
    : env.CONTAINER_ID
      ? { kind: 'vastai', instanceId: env.CONTAINER_ID }
      : undefined;
  const kind = e.PODPILOT_PROVIDER ?? detected?.kind;
  if (!kind) return undefined;
  const instanceId =
    e.PODPILOT_PROVIDER_INSTANCE_ID ?? (detected?.kind === kind ? detected.instanceId : undefined);
  return instanceId ? { kind, instanceId } : { kind };
}

/** Parses the agent's environment; throws ConfigError naming each bad variable. */
export function loadAgentConfig(env: Record<string, string | undefined> = process.env): AgentConfig {
  const parsed = AgentEnv.safeParse(env);
  if (!parsed.success) throw new ConfigError(configProblems(parsed.error, env));
  const e = parsed.data;
  return {
    hubUrl: e.PODPILOT_HUB_URL.replace(/\/+$/, ''),
    hubProxy: e.PODPILOT_HUB_PROXY,
    bootstrapToken: e.PODPILOT_BOOTSTRAP_TOKEN,
    workspace: resolve(e.PODPILOT_WORKSPACE),
    instanceId: e.PODPILOT_INSTANCE_ID,
    logLevel: e.PODPILOT_LOG_LEVEL,
    provider: providerHints(e, env),
    finalSyncSeconds: e.PODPILOT_FINAL_SYNC_SECONDS,
    deadmanMinutes: e.PODPILOT_DEADMAN_MINUTES,
    webuiPort: e.PODPILOT_WEBUI_PORT,
    webuiAuth: e.PODPILOT_WEBUI_AUTH,
    python: pythonSettings(env),
    providerUrls: {
      ...(e.PODPILOT_VASTAI_URL ? { vastai: e.PODPILOT_VASTAI_URL } : {}),
      ...(e.PODPILOT_RUNPOD_URL ? { runpod: e.PODPILOT_RUNPOD_URL } : {}),
    },
  };
}
