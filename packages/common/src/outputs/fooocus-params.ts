import type { Setting } from './output-params.js';

/** Fooocus' own metadata scheme, as its generation settings. */
export interface FooocusParameters {
  prompt: string;
  negativePrompt: string | null;
  settings: Setting[];
}

/** The keys of Fooocus' JSON (modules/meta_parser.py, scheme `fooocus`) worth showing, with their labels. */
const FIELDS: [key: string, label: string][] = [
  ['steps', 'Steps'],
  ['sampler', 'Sampler'],
  ['scheduler', 'Scheduler'],
  ['seed', 'Seed'],
  ['resolution', 'Size'],
  ['guidance_scale', 'Guidance scale'],
  ['sharpness', 'Sharpness'],
  ['performance', 'Performance'],
  ['base_model', 'Model'],
  ['refiner_model', 'Refiner'],
  ['refiner_switch', 'Refiner switch'],
  ['vae', 'VAE'],
  ['styles', 'Styles'],
  ['version', 'Version'],
];

const text = (value: unknown): string | null => {
  if (typeof value === 'string') return value.trim() === '' || value === 'None' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
};

/** Fooocus writes the size as a Python tuple, `(1152, 896)`: shown as `1152×896`. */
const size = (value: string) => value.replace(/^\(\s*(\d+)\s*,\s*(\d+)\s*\)$/, '$1×$2');

/** A list of texts (`full_prompt`, `styles`) as one, or null. */
const joined = (value: unknown, separator: string): string | null =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') && value.length
    ? value.join(separator)
    : text(value);

/**
 * Fooocus' `parameters` when written in its own scheme (a JSON object, `fooocus_scheme: fooocus`): the prompt as
 * the user typed it (else the expanded one), the negative prompt, and the settings (LoRAs as `name (weight)`).
 * Null when `raw` is not such an object (A1111-scheme text is read by parseA1111Parameters).
 */
export function parseFooocusParameters(raw: string): FooocusParameters | null {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const d = data as Record<string, unknown>;
  const prompt = text(d.prompt) ?? joined(d.full_prompt, ', ');
  if (prompt === null && !('base_model' in d)) return null;
  const settings: Setting[] = [];
  for (const [key, label] of FIELDS) {
    const value = key === 'styles' ? joined(d.styles, ', ') : text(d[key]);
    if (value !== null) settings.push({ label, value: key === 'resolution' ? size(value) : value });
  }
  if (Array.isArray(d.loras))
    for (const lora of d.loras)
      if (Array.isArray(lora) && typeof lora[0] === 'string')
        settings.push({ label: 'LoRA', value: lora[1] === undefined ? lora[0] : `${lora[0]} (${lora[1]})` });
  return {
    prompt: prompt ?? '',
    negativePrompt: text(d.negative_prompt) ?? joined(d.full_negative_prompt, ', '),
    settings,
  };
}
