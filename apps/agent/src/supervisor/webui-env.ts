/**
 * The environment the WebUI inherits: the agent's own, minus PodPilot's and Tailscale's secrets
 * (`PODPILOT_*`, `TS_*`), plus `extra` (the UI kind's defaults and the profile's `env`).
 */
export function webuiEnv(
  extra: Record<string, string>,
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base))
    if (v !== undefined && !k.startsWith('PODPILOT_') && !k.startsWith('TS_')) env[k] = v;
  return { ...env, ...extra };
}
