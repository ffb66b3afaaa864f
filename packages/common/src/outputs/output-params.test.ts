import { describe, expect, it } from 'vitest';
import { outputParams, parseA1111Parameters, summarizeComfyUi } from './output-params.js';

const A1111 = [
  'a lighthouse at dusk, (oil painting:1.2),',
  'dramatic sky',
  'Negative prompt: blurry, lowres',
  'text, watermark',
  'Steps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1234567890, Size: 832x1216, ' +
    'Model hash: 31e35c80fc, Model: sd_xl_base_1.0, Lora hashes: "detail: abc123, film: def456", Version: v1.10.1',
].join('\n');

describe('parseA1111Parameters', () => {
  it('splits prompt, negative prompt and settings', () => {
    const parsed = parseA1111Parameters(A1111);
    expect(parsed.prompt).toBe('a lighthouse at dusk, (oil painting:1.2),\ndramatic sky');
    expect(parsed.negativePrompt).toBe('blurry, lowres\ntext, watermark');
    expect(parsed.settings).toEqual([
      { label: 'Steps', value: '30' },
      { label: 'Sampler', value: 'DPM++ 2M Karras' },
      { label: 'CFG scale', value: '7' },
      { label: 'Seed', value: '1234567890' },
      { label: 'Size', value: '832x1216' },
      { label: 'Model hash', value: '31e35c80fc' },
      { label: 'Model', value: 'sd_xl_base_1.0' },
      { label: 'Lora hashes', value: 'detail: abc123, film: def456' },
      { label: 'Version', value: 'v1.10.1' },
    ]);
  });

  it('keeps a Hashes JSON object whole, and Template lines out of the negative prompt', () => {
    // As A1111 1.6+ with the Dynamic Prompts extension writes them: Hashes as JSON, templates after the settings.
    const text = [
      'a red car',
      'Negative prompt: ugly',
      'Steps: 25, Sampler: Euler a, CFG scale: 6.5, Seed: 42, Size: 512x768, Model hash: 6ce0161689, ' +
        'Model: v1-5-pruned-emaonly, Hashes: {"model": "6ce0161689", "lora:film": "a1b2c3d4e5f6"}, Version: v1.9.4',
      'Template: a {red|blue} car',
      'Negative Template: ugly',
    ].join('\n');
    const parsed = parseA1111Parameters(text);
    expect(parsed.prompt).toBe('a red car');
    expect(parsed.negativePrompt).toBe('ugly');
    const value = (label: string) => parsed.settings.find((s) => s.label === label)?.value;
    expect(value('Seed')).toBe('42');
    expect(value('Steps')).toBe('25');
    expect(value('Sampler')).toBe('Euler a');
    expect(value('Hashes')).toBe('{"model": "6ce0161689", "lora:film": "a1b2c3d4e5f6"}');
    expect(value('Version')).toBe('v1.9.4');
    expect(value('Template')).toBe('a {red|blue} car');
    expect(value('Negative Template')).toBe('ugly');
  });

  it('reads a prompt without negative prompt or settings', () => {
    expect(parseA1111Parameters('just a cat')).toEqual({
      prompt: 'just a cat',
      negativePrompt: null,
      settings: [],
    });
  });

  it('does not take a prompt line with a colon for settings', () => {
    const parsed = parseA1111Parameters('style: baroque\nSteps: 20, Sampler: Euler a, Seed: 1');
    expect(parsed.prompt).toBe('style: baroque');
    expect(parsed.settings.map((s) => s.label)).toEqual(['Steps', 'Sampler', 'Seed']);
  });

  it('reads an empty prompt followed by a negative prompt', () => {
    const parsed = parseA1111Parameters('Negative prompt: ugly\nSteps: 20, Sampler: Euler, Seed: 5');
    expect(parsed.prompt).toBe('');
    expect(parsed.negativePrompt).toBe('ugly');
  });
});

const COMFY_PROMPT = JSON.stringify({
  '3': {
    class_type: 'KSampler',
    inputs: {
      seed: 42,
      steps: 25,
      cfg: 6.5,
      sampler_name: 'euler',
      scheduler: 'normal',
      denoise: 1,
      model: ['10', 0],
      positive: ['6', 0],
      negative: ['7', 0],
      latent_image: ['5', 0],
    },
  },
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sdxl.safetensors' } },
  '5': { class_type: 'EmptyLatentImage', inputs: { width: 1024, height: 1024, batch_size: 1 } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a red fox', clip: ['10', 1] } },
  '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip: ['10', 1] } },
  '10': {
    class_type: 'LoraLoader',
    inputs: { lora_name: 'fur.safetensors', strength_model: 0.8, model: ['4', 0], clip: ['4', 1] },
  },
});

describe('summarizeComfyUi', () => {
  it('follows the sampler to its texts and lists the settings', () => {
    expect(summarizeComfyUi(COMFY_PROMPT, undefined)).toEqual({
      prompt: 'a red fox',
      negativePrompt: 'blurry',
      nodeCount: 6,
      settings: [
        { label: 'Seed', value: '42' },
        { label: 'Steps', value: '25' },
        { label: 'CFG', value: '6.5' },
        { label: 'Sampler', value: 'euler' },
        { label: 'Scheduler', value: 'normal' },
        { label: 'Denoise', value: '1' },
        { label: 'Checkpoint', value: 'sdxl.safetensors' },
        { label: 'Size', value: '1024×1024' },
        { label: 'LoRA', value: 'fur.safetensors (0.8)' },
      ],
    });
  });

  it('falls back to the editor workflow, and to null for junk', () => {
    expect(summarizeComfyUi(undefined, JSON.stringify({ nodes: [{}, {}, {}] }))?.nodeCount).toBe(3);
    expect(summarizeComfyUi('not json', '{"x":1}')).toBeNull();
    expect(summarizeComfyUi(undefined, undefined)).toBeNull();
  });
});

describe('outputParams', () => {
  it('prefers A1111 parameters, then ComfyUI, then nothing', () => {
    expect(outputParams({ parameters: A1111 }).source).toBe('a1111');
    const comfy = outputParams({ prompt: COMFY_PROMPT });
    expect(comfy.source).toBe('comfyui');
    expect(comfy.settings.at(-1)).toEqual({ label: 'Nodes', value: '6' });
    expect(outputParams(null)).toEqual({ source: null, prompt: null, negativePrompt: null, settings: [] });
  });
});

/** A FLUX graph as ComfyUI's own template writes it: SamplerCustomAdvanced with its settings on wired nodes. */
const CUSTOM_ADVANCED = JSON.stringify({
  '8': { class_type: 'VAEDecode', inputs: { samples: ['13', 0], vae: ['10', 0] } },
  '10': { class_type: 'VAELoader', inputs: { vae_name: 'ae.safetensors' } },
  '12': { class_type: 'UNETLoader', inputs: { unet_name: 'flux1-dev.safetensors', weight_dtype: 'default' } },
  '13': {
    class_type: 'SamplerCustomAdvanced',
    inputs: {
      noise: ['25', 0],
      guider: ['22', 0],
      sampler: ['16', 0],
      sigmas: ['17', 0],
      latent_image: ['27', 0],
    },
  },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a lighthouse in a storm', clip: ['11', 0] } },
  '26': { class_type: 'FluxGuidance', inputs: { guidance: 3.5, conditioning: ['6', 0] } },
  '22': { class_type: 'BasicGuider', inputs: { model: ['12', 0], conditioning: ['26', 0] } },
  '16': { class_type: 'KSamplerSelect', inputs: { sampler_name: 'euler' } },
  '17': {
    class_type: 'BasicScheduler',
    inputs: { scheduler: 'simple', steps: 20, denoise: 1, model: ['12', 0] },
  },
  '25': { class_type: 'RandomNoise', inputs: { noise_seed: 219670278747233 } },
  '27': { class_type: 'EmptySD3LatentImage', inputs: { width: 1024, height: 1024, batch_size: 1 } },
});

describe('summarizeComfyUi with custom samplers', () => {
  it('reads seed, steps, sampler and scheduler from the nodes wired into SamplerCustomAdvanced', () => {
    const summary = summarizeComfyUi(CUSTOM_ADVANCED, undefined);
    expect(summary?.prompt).toBe('a lighthouse in a storm');
    const value = (label: string) => summary?.settings.find((s) => s.label === label)?.value;
    expect(value('Seed')).toBe('219670278747233');
    expect(value('Steps')).toBe('20');
    expect(value('Sampler')).toBe('euler');
    expect(value('Scheduler')).toBe('simple');
    expect(value('Model')).toBe('flux1-dev.safetensors');
    expect(value('Size')).toBe('1024×1024');
  });

  it('takes the CFG and both texts from a CFGGuider', () => {
    const graph = JSON.parse(CUSTOM_ADVANCED) as Record<string, unknown>;
    graph['22'] = {
      class_type: 'CFGGuider',
      inputs: { model: ['12', 0], positive: ['6', 0], negative: ['7', 0], cfg: 4.5 },
    };
    graph['7'] = { class_type: 'CLIPTextEncode', inputs: { text: 'calm sea', clip: ['11', 0] } };
    const summary = summarizeComfyUi(JSON.stringify(graph), undefined);
    expect(summary?.negativePrompt).toBe('calm sea');
    expect(summary?.settings.find((s) => s.label === 'CFG')?.value).toBe('4.5');
  });
});
