// The demo UI's one workflow, in ComfyUI's API format (what `POST /prompt` takes and what ComfyUI stores in a
// PNG's `prompt` text): a checkpoint, two prompts, a latent, a KSampler, a decode and a SaveImage. Imports
// nothing: this file is copied into the demo UI's repository and runs there on plain Node.

/** What one picture is made from. */
export interface DemoSettings {
  prompt: string;
  negative: string;
  seed: number;
  steps: number;
  cfg: number;
  width: number;
  height: number;
  sampler: string;
  scheduler: string;
  checkpoint: string;
  filenamePrefix: string;
}

export const DEMO_DEFAULTS: DemoSettings = {
  prompt: 'a lighthouse on a cliff at dawn, watercolor',
  negative: 'blurry, low quality',
  seed: 42,
  steps: 12,
  cfg: 7,
  width: 512,
  height: 512,
  sampler: 'euler',
  scheduler: 'normal',
  checkpoint: 'podpilot-demo.safetensors',
  filenamePrefix: 'ComfyUI',
};

type Node = { class_type: string; inputs: Record<string, unknown> };
export type DemoGraph = Record<string, Node>;

/** The workflow for `settings`, node ids as ComfyUI's default workflow numbers them. */
export function demoGraph(settings: Partial<DemoSettings> = {}): DemoGraph {
  const s = { ...DEMO_DEFAULTS, ...settings };
  return {
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: s.checkpoint } },
    '5': { class_type: 'EmptyLatentImage', inputs: { width: s.width, height: s.height, batch_size: 1 } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: s.prompt, clip: ['4', 1] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: s.negative, clip: ['4', 1] } },
    '3': {
      class_type: 'KSampler',
      inputs: {
        seed: s.seed,
        steps: s.steps,
        cfg: s.cfg,
        sampler_name: s.sampler,
        scheduler: s.scheduler,
        denoise: 1,
        model: ['4', 0],
        positive: ['6', 0],
        negative: ['7', 0],
        latent_image: ['5', 0],
      },
    },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'SaveImage', inputs: { filename_prefix: s.filenamePrefix, images: ['8', 0] } },
  };
}

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Node).class_type === 'string' &&
  typeof (value as Node).inputs === 'object' &&
  (value as Node).inputs !== null;

/** The node a `[id, slot]` link points at. */
const linked = (graph: Record<string, Node>, link: unknown): Node | undefined =>
  Array.isArray(link) && typeof link[0] === 'string' ? graph[link[0]] : undefined;

const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);
/** A whole number within [min, max], else the fallback. */
const whole = (value: unknown, min: number, max: number, fallback: number) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;

/**
 * The settings of a workflow the demo can run (one KSampler feeding a SaveImage), read like ComfyUI reads its
 * nodes; sizes are kept small (64 to 1024, multiples of 8). Throws an Error saying what is missing otherwise.
 */
export function readGraph(graph: unknown): { settings: DemoSettings; outputNode: string } {
  if (typeof graph !== 'object' || graph === null || Array.isArray(graph))
    throw new Error('expected "prompt" to be a workflow in API format (an object of nodes)');
  const nodes = Object.fromEntries(Object.entries(graph).filter(([, node]) => isNode(node)));
  const save = Object.entries(nodes).find(([, node]) => node.class_type === 'SaveImage');
  if (!save) throw new Error('the workflow has no SaveImage node (the demo UI has no other output)');
  const sampler = linked(nodes, linked(nodes, save[1].inputs.images)?.inputs.samples);
  if (sampler?.class_type !== 'KSampler')
    throw new Error('the SaveImage node is not fed by VAEDecode ← KSampler (the only graph the demo runs)');
  const d = DEMO_DEFAULTS;
  const i = sampler.inputs;
  const size = (value: unknown, fallback: number) => Math.floor(whole(value, 64, 1024, fallback) / 8) * 8;
  const latent = linked(nodes, i.latent_image)?.inputs ?? {};
  return {
    outputNode: save[0],
    settings: {
      prompt: text(linked(nodes, i.positive)?.inputs.text, ''),
      negative: text(linked(nodes, i.negative)?.inputs.text, ''),
      seed: whole(i.seed, 0, Number.MAX_SAFE_INTEGER, d.seed),
      steps: whole(i.steps, 1, 150, d.steps),
      cfg: typeof i.cfg === 'number' && Number.isFinite(i.cfg) ? i.cfg : d.cfg,
      width: size(latent.width, d.width),
      height: size(latent.height, d.height),
      sampler: text(i.sampler_name, d.sampler),
      scheduler: text(i.scheduler, d.scheduler),
      checkpoint: text(linked(nodes, i.model)?.inputs.ckpt_name, d.checkpoint),
      filenamePrefix:
        text(save[1].inputs.filename_prefix, d.filenamePrefix).replace(/[^\w.-]+/g, '_') || 'ComfyUI',
    },
  };
}
