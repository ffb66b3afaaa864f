/**
 * What the WebUI (and every custom node, pip and git it runs) may inherit from the agent's environment: an
 * allowlist, so no key the container holds for someone else reaches it — the provider's API key the agent
 * keeps for its self-stop (`CONTAINER_API_KEY`, `RUNPOD_API_KEY`), Tailscale's (`TS_*`), PodPilot's own
 * (`PODPILOT_*`), cloud or model-site credentials (`AWS_*`, `HF_TOKEN`). The profile's `env` is the user's
 * and always passes.
 */
const INHERITED_NAMES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'COLORTERM',
  'TZ',
  'TMPDIR',
  'LANG',
  'LANGUAGE',
  'LD_LIBRARY_PATH',
  'HIP_VISIBLE_DEVICES',
  'ROCR_VISIBLE_DEVICES',
  'VIRTUAL_ENV',
  'PYTHONUNBUFFERED',
  'PYTHONDONTWRITEBYTECODE',
  'PYTHONIOENCODING',
  'PYTHONUTF8',
  // Where Hugging Face libraries cache (never its token).
  'HF_HOME',
  'HF_HUB_CACHE',
  'HF_HUB_OFFLINE',
  'HF_HUB_ENABLE_HF_TRANSFER',
  // The A1111 image's pinned Stable Diffusion repository.
  'STABLE_DIFFUSION_REPO',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
]);

/** Families of settings the UIs and their libraries read (GPU selection, torch, pip, locale, caches, threads). */
const INHERITED_PREFIXES = [
  'LC_',
  'CUDA_',
  'NVIDIA_',
  'TORCH_',
  'PYTORCH_',
  'PIP_',
  'XDG_',
  'OMP_',
  'MKL_',
  'GRADIO_',
];

/** Whether the WebUI may inherit the agent's variable `name`. */
export const webuiMayInherit = (name: string): boolean =>
  INHERITED_NAMES.has(name) || INHERITED_PREFIXES.some((prefix) => name.startsWith(prefix));

/**
 * The environment the WebUI gets: the agent's allowlisted variables (`webuiMayInherit`), plus `extra` (the UI
 * kind's defaults and the profile's `env`). When `extra` names a `VIRTUAL_ENV` and no `PATH`, that venv's `bin`
 * goes first on the inherited PATH (as `activate` does), so `python` and `pip` in the UI's own subprocesses are
 * the venv's.
 */
export function webuiEnv(
  extra: Record<string, string>,
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && webuiMayInherit(k)) env[k] = v;
  const merged = { ...env, ...extra };
  if (extra.VIRTUAL_ENV && extra.PATH === undefined)
    merged.PATH = [`${extra.VIRTUAL_ENV}/bin`, env.PATH].filter(Boolean).join(':');
  return merged;
}
