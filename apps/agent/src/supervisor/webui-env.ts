/**
 * The environment the WebUI inherits: the agent's own, minus PodPilot's and Tailscale's secrets
 * (`PODPILOT_*`, `TS_*`), plus `extra` (the UI kind's defaults and the profile's `env`). When `extra` names a
 * `VIRTUAL_ENV` and no `PATH`, that venv's `bin` goes first on the inherited PATH (as `activate` does), so
 * `python` and `pip` in the UI's own subprocesses are the venv's.
 */
export function webuiEnv(
  extra: Record<string, string>,
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base))
    if (v !== undefined && !k.startsWith('PODPILOT_') && !k.startsWith('TS_')) env[k] = v;
  const merged = { ...env, ...extra };
  if (extra.VIRTUAL_ENV && extra.PATH === undefined)
    merged.PATH = [`${extra.VIRTUAL_ENV}/bin`, env.PATH].filter(Boolean).join(':');
  return merged;
}
