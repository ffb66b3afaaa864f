import { resolve } from 'node:path';
import { ConfigError, configProblems } from '@podpilot/common';
import { z } from 'zod';

/**
 * The agent's settings, passed by the hub through the container's environment at launch.
 * Validated once at start; a bad value stops the agent with a line naming the variable.
 */
export const AgentEnv = z.object({
  PODPILOT_HUB_URL: z.url({ message: 'expected the hub URL, e.g. http://100.64.0.1:7300' }),
  PODPILOT_BOOTSTRAP_TOKEN: z
    .string()
    .min(1, 'expected the one-time bootstrap token from the launch')
    .optional(),
  PODPILOT_WORKSPACE: z.string().min(1, 'expected a folder path').default('/workspace'),
  PODPILOT_INSTANCE_ID: z.uuid({ message: 'expected the PodPilot instance id (UUID)' }).optional(),
  PODPILOT_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'], {
      message: 'expected one of fatal, error, warn, info, debug, trace',
    })
    .default('info'),
});
export type AgentEnv = z.infer<typeof AgentEnv>;

export interface AgentConfig {
  hubUrl: string;
  bootstrapToken: string | undefined;
  workspace: string;
  instanceId: string | undefined;
  logLevel: AgentEnv['PODPILOT_LOG_LEVEL'];
}

/** Parses the agent's environment; throws ConfigError naming each bad variable. */
export function loadAgentConfig(env: Record<string, string | undefined> = process.env): AgentConfig {
  const parsed = AgentEnv.safeParse(env);
  if (!parsed.success) throw new ConfigError(configProblems(parsed.error, env));
  const e = parsed.data;
  return {
    hubUrl: e.PODPILOT_HUB_URL.replace(/\/+$/, ''),
    bootstrapToken: e.PODPILOT_BOOTSTRAP_TOKEN,
    workspace: resolve(e.PODPILOT_WORKSPACE),
    instanceId: e.PODPILOT_INSTANCE_ID,
    logLevel: e.PODPILOT_LOG_LEVEL,
  };
}
