import { parseFooocusParameters } from './fooocus-params.js';

/** One labelled generation setting, in the order the UI wrote it. */
export interface Setting {
  label: string;
  value: string;
}

/** A1111/Forge `parameters` text, split into its parts. */
export interface A1111Parameters {
  prompt: string;
  negativePrompt: string | null;
  settings: Setting[];
}

// `Key: value` pairs of the settings line; a value may be a quoted string or a JSON object (`Hashes: {"model":
// "…", "lora:x": "…"}`) holding commas.
const SETTING = /\s*([\w][\w \-/()+.]*?):\s*("(?:\\.|[^\\"])*"|\{[^{}]*\}|[^,]*)(?:,|$)/g;
const NEGATIVE = 'Negative prompt:';
// Lines the Dynamic Prompts extension writes after the settings line: the prompt templates it expanded.
const TEMPLATE = /^(Template|Negative Template):\s?(.*)$/;

function parseSettingsLine(line: string): Setting[] {
  const settings: Setting[] = [];
  for (const match of line.matchAll(SETTING)) {
    const label = match[1]?.trim();
    let value = (match[2] ?? '').trim();
    if (!label) continue;
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        value = value.slice(1, -1);
      }
    }
    settings.push({ label, value });
  }
  return settings;
}

/** A line counts as the settings line when it reads as three or more `Key: value` pairs (A1111's own test). */
function isSettingsLine(line: string): boolean {
  return parseSettingsLine(line).length >= 3 && /^\s*[\w][\w \-/()+.]*:/.test(line);
}

/**
 * Splits A1111/Forge `parameters` text: the prompt (any number of lines), then `Negative prompt: …` (also
 * possibly several lines), then the last line of `Key: value` settings (`Steps: 20, Sampler: Euler a, …`),
 * then any `Template:` / `Negative Template:` lines (Dynamic Prompts), which join the settings.
 */
export function parseA1111Parameters(text: string): A1111Parameters {
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n');
  // Template lines come last, after the settings line: set them aside (they are shown as settings too).
  const templates: Setting[] = [];
  for (
    let match = TEMPLATE.exec(lines.at(-1) ?? '');
    match && lines.length > 1;
    match = TEMPLATE.exec(lines.at(-1) ?? '')
  ) {
    templates.unshift({ label: match[1] ?? 'Template', value: match[2] ?? '' });
    lines.pop();
  }
  let settings: Setting[] = [];
  const last = lines.at(-1);
  if (last !== undefined && lines.length > 0 && isSettingsLine(last)) {
    settings = parseSettingsLine(last);
    lines.pop();
  }
  settings.push(...templates);
  const body = lines.join('\n');
  const negativeAt = body.startsWith(NEGATIVE) ? 0 : body.indexOf(`\n${NEGATIVE}`);
  if (negativeAt === -1) return { prompt: body.trim(), negativePrompt: null, settings };
  const start = negativeAt === 0 ? 0 : negativeAt + 1;
  return {
    prompt: body.slice(0, negativeAt).trim(),
    negativePrompt: body.slice(start + NEGATIVE.length).trim(),
    settings,
  };
}

/** The settings of a ComfyUI graph worth showing, with the texts its sampler used. */
export interface ComfyUiSummary {
  prompt: string | null;
  negativePrompt: string | null;
  settings: Setting[];
  nodeCount: number;
}

interface ComfyNode {
  class_type?: unknown;
  inputs?: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const scalar = (value: unknown): string | null =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;

/** Follows a `[nodeId, outputIndex]` link to the text of the encoder it points at (through a few hops). */
function textOf(graph: Record<string, ComfyNode>, link: unknown, depth = 0): string | null {
  if (!Array.isArray(link) || depth > 5) return null;
  const node = graph[String(link[0])];
  if (!node?.inputs) return null;
  const text = node.inputs.text ?? node.inputs.text_g ?? node.inputs.prompt;
  if (typeof text === 'string') return text;
  // Conditioning helpers (ConditioningCombine, ControlNetApply…) hand their first conditioning on.
  for (const key of ['conditioning', 'conditioning_1', 'positive', 'text']) {
    const found = textOf(graph, node.inputs[key], depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** The node a `[nodeId, outputIndex]` link points at. */
const linked = (graph: Record<string, ComfyNode>, link: unknown): ComfyNode | undefined =>
  Array.isArray(link) ? graph[String(link[0])] : undefined;

/**
 * A sampler's settings live on it (KSampler) or on the nodes wired into it (SamplerCustom, SamplerCustomAdvanced:
 * the seed on RandomNoise, the sampler on KSamplerSelect, steps and scheduler on BasicScheduler, the CFG on
 * CFGGuider): its own inputs, then those of its `noise`, `guider`, `sampler` and `sigmas` nodes.
 */
function samplerParts(
  graph: Record<string, ComfyNode>,
  inputs: Record<string, unknown>,
): Record<string, unknown>[] {
  const wired = ['noise', 'guider', 'sampler', 'sigmas'].map((key) => linked(graph, inputs[key])?.inputs);
  return [inputs, ...wired.filter((i): i is Record<string, unknown> => isRecord(i))];
}

const SAMPLER_FIELDS: [string, string][] = [
  ['seed', 'Seed'],
  ['noise_seed', 'Seed'],
  ['steps', 'Steps'],
  ['cfg', 'CFG'],
  ['sampler_name', 'Sampler'],
  ['scheduler', 'Scheduler'],
  ['denoise', 'Denoise'],
];

/**
 * Summarises ComfyUI's embedded graphs: `prompt` (the API graph: `{id: {class_type, inputs}}`) gives the
 * checkpoint, LoRAs, sampler settings, size and the texts wired to the sampler; `workflow` (the editor
 * graph) only its node count when there is no `prompt`. Null when neither parses.
 */
export function summarizeComfyUi(
  prompt: string | undefined,
  workflow: string | undefined,
): ComfyUiSummary | null {
  const graph = parseJson(prompt);
  if (!isRecord(graph)) {
    const editor = parseJson(workflow);
    if (isRecord(editor) && Array.isArray(editor.nodes)) {
      return { prompt: null, negativePrompt: null, settings: [], nodeCount: editor.nodes.length };
    }
    return null;
  }
  const nodes = Object.entries(graph).filter((entry): entry is [string, ComfyNode] => isRecord(entry[1]));
  const byId = Object.fromEntries(nodes) as Record<string, ComfyNode>;
  const settings: Setting[] = [];
  const add = (label: string, value: string | null) => {
    if (value !== null && value !== '' && !settings.some((s) => s.label === label && s.value === value)) {
      settings.push({ label, value });
    }
  };
  let positive: string | null = null;
  let negative: string | null = null;
  for (const [, node] of nodes) {
    const type = typeof node.class_type === 'string' ? node.class_type : '';
    const inputs = node.inputs ?? {};
    if (typeof inputs.ckpt_name === 'string') add('Checkpoint', inputs.ckpt_name);
    if (typeof inputs.unet_name === 'string') add('Model', inputs.unet_name);
    if (typeof inputs.vae_name === 'string') add('VAE', inputs.vae_name);
    if (typeof inputs.lora_name === 'string') {
      const strength = scalar(inputs.strength_model);
      add('LoRA', strength ? `${inputs.lora_name} (${strength})` : inputs.lora_name);
    }
    if (/^EmptyLatentImage|^EmptySD3LatentImage|LatentImage$/.test(type)) {
      const w = scalar(inputs.width);
      const h = scalar(inputs.height);
      if (w && h) add('Size', `${w}×${h}`);
    }
    if (/KSampler|SamplerCustom/.test(type)) {
      for (const part of samplerParts(byId, inputs))
        for (const [key, label] of SAMPLER_FIELDS) add(label, scalar(part[key]));
      const guider = linked(byId, inputs.guider)?.inputs ?? {};
      positive ??= textOf(byId, inputs.positive) ?? textOf(byId, guider.positive ?? guider.conditioning);
      negative ??= textOf(byId, inputs.negative) ?? textOf(byId, guider.negative);
    }
  }
  if (positive === null) {
    // No sampler to follow: show every text encoder's text.
    const texts = nodes
      .map(([, node]) => node.inputs?.text)
      .filter((t): t is string => typeof t === 'string' && t.trim() !== '');
    if (texts.length) positive = texts.join('\n\n');
  }
  return { prompt: positive, negativePrompt: negative, settings, nodeCount: nodes.length };
}

/** What the full view shows of an output's embedded metadata. */
export interface OutputParams {
  source: 'a1111' | 'fooocus' | 'comfyui' | null;
  prompt: string | null;
  negativePrompt: string | null;
  settings: Setting[];
}

export function outputParams(
  metadata: { parameters?: string; prompt?: string; workflow?: string } | null | undefined,
): OutputParams {
  if (metadata?.parameters?.trim()) {
    // Fooocus writes `parameters` as JSON in its own scheme, as A1111 text in the A1111 one.
    const fooocus = parseFooocusParameters(metadata.parameters);
    if (fooocus) return { source: 'fooocus', ...fooocus, prompt: fooocus.prompt || null };
    const parsed = parseA1111Parameters(metadata.parameters);
    return { source: 'a1111', ...parsed, prompt: parsed.prompt || null };
  }
  const comfy = summarizeComfyUi(metadata?.prompt, metadata?.workflow);
  if (comfy) {
    const settings = [...comfy.settings, { label: 'Nodes', value: String(comfy.nodeCount) }];
    return { source: 'comfyui', prompt: comfy.prompt, negativePrompt: comfy.negativePrompt, settings };
  }
  return { source: null, prompt: null, negativePrompt: null, settings: [] };
}
