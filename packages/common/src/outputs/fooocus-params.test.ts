import { describe, expect, it } from 'vitest';
import { parseFooocusParameters } from './fooocus-params.js';
import { outputParams } from './output-params.js';

/** What Fooocus 2.5 writes in `parameters` with its own scheme (json.dumps of its sorted metadata). */
const FOOOCUS = JSON.stringify({
  adm_guidance: '(1.5, 0.8, 0.3)',
  base_model: 'juggernautXL_v8Rundiffusion.safetensors',
  base_model_hash: 'aeb7e9e689',
  full_negative_prompt: ['(worst quality, low quality:1.4)', 'blurry'],
  full_prompt: ['a lighthouse at dusk', 'cinematic, dramatic light'],
  guidance_scale: 4,
  loras: [['sd_xl_offset_example-lora_1.0.safetensors', 0.1, 'b3f8a0e4ab']],
  negative_prompt: '',
  performance: 'Speed',
  prompt: 'a lighthouse at dusk',
  refiner_model: 'None',
  resolution: '(1152, 896)',
  sampler: 'dpmpp_2m_sde_gpu',
  scheduler: 'karras',
  seed: '1234567890',
  sharpness: 2,
  steps: 30,
  styles: "['Fooocus V2', 'Fooocus Enhance']",
  vae: 'Default (model)',
  version: 'Fooocus v2.5.5',
});

describe('parseFooocusParameters', () => {
  it("reads Fooocus' own scheme: prompt, negative prompt, seed, steps, sampler and model", () => {
    const parsed = parseFooocusParameters(FOOOCUS);
    expect(parsed?.prompt).toBe('a lighthouse at dusk');
    // The user's negative prompt was empty: the expanded one Fooocus used is shown.
    expect(parsed?.negativePrompt).toBe('(worst quality, low quality:1.4), blurry');
    const value = (label: string) => parsed?.settings.find((s) => s.label === label)?.value;
    expect(value('Seed')).toBe('1234567890');
    expect(value('Steps')).toBe('30');
    expect(value('Sampler')).toBe('dpmpp_2m_sde_gpu');
    expect(value('Scheduler')).toBe('karras');
    expect(value('Model')).toBe('juggernautXL_v8Rundiffusion.safetensors');
    expect(value('Size')).toBe('1152×896');
    expect(value('LoRA')).toBe('sd_xl_offset_example-lora_1.0.safetensors (0.1)');
    expect(value('Refiner')).toBeUndefined(); // "None"
  });

  it('leaves A1111 text and other JSON to the other readers', () => {
    expect(parseFooocusParameters('a cat\nSteps: 20, Sampler: Euler a, Seed: 1')).toBeNull();
    expect(parseFooocusParameters('[1, 2]')).toBeNull();
    expect(parseFooocusParameters('{"unrelated": true}')).toBeNull();
  });

  it('is what the full view shows for a Fooocus PNG, not an A1111 block with JSON as its prompt', () => {
    const params = outputParams({ parameters: FOOOCUS });
    expect(params.source).toBe('fooocus');
    expect(params.prompt).toBe('a lighthouse at dusk');
  });
});
