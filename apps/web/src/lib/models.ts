import type { ModelKind, ModelSummary } from '@podpilot/common';

/** The file name without its extension: the default model name. */
export const stem = (fileName: string): string => fileName.replace(/\.[^.]+$/, '');

/** Parts in `.safetensors` names hint at the kind; checkpoints are the safe default. */
export function guessKind(fileName: string): ModelKind {
  const lower = fileName.toLowerCase();
  if (/lora|lycoris|locon/.test(lower)) return 'lora';
  if (/t5xxl|umt5|\bclip_[lgh]\b|text_?encoder/.test(lower)) return 'text-encoder';
  if (/(^|[^a-z])vae([^a-z]|$)/.test(lower)) return 'vae';
  if (/controlnet|control_|t2i-adapter/.test(lower)) return 'controlnet';
  if (/esrgan|upscal|4x|2x_/.test(lower)) return 'upscaler';
  if (/\.(pt|bin)$/.test(lower) && /embed|textual|ti_/.test(lower)) return 'embedding';
  return 'checkpoint';
}

/** `[{profile: a, version: 1}, {profile: a, version: 2}]` → `[[a, [1, 2]]]`. */
export function usageByProfile(model: Pick<ModelSummary, 'usedBy'>): [string, number[]][] {
  const byProfile = new Map<string, number[]>();
  for (const use of model.usedBy)
    byProfile.set(use.profile, [...(byProfile.get(use.profile) ?? []), use.version]);
  return [...byProfile.entries()].map(([profile, versions]) => [profile, versions.sort((a, b) => a - b)]);
}

/** The host of a download URL, or the text itself when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The last path segment of a URL, without its extension: a sensible default name. */
export function nameFromUrl(url: string): string {
  try {
    const last = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? '');
    return last.replace(/\.[^.]+$/, '');
  } catch {
    return '';
  }
}

/** The add-by-URL form as typed → the request: trimmed, the name from the URL when empty, no empty options. */
export function addModelBody(values: {
  url: string;
  name: string;
  kind: string;
  sha256: string;
  fileName: string;
}) {
  const url = values.url.trim();
  return {
    url,
    name: values.name.trim() || nameFromUrl(url),
    kind: values.kind,
    ...(values.sha256.trim() ? { sha256: values.sha256.trim().toLowerCase() } : {}),
    ...(values.fileName.trim() ? { fileName: values.fileName.trim() } : {}),
  };
}
