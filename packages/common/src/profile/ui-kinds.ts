import * as z from 'zod';

/** The web UIs a profile can run. Adding one means adding a row to {@link UI_KINDS}. */
export const UiKind = z.enum(['a1111', 'comfyui', 'forge', 'fooocus', 'kohya'], {
  error: 'expected a UI kind: a1111, comfyui, forge, fooocus or kohya',
});
export type UiKind = z.infer<typeof UiKind>;

/**
 * What a model file is for; each UI keeps each kind in its own folder. `diffusion-model` is a transformer/UNet
 * without its text encoders and VAE (FLUX.1, SD 3.5 as their makers publish them); `text-encoder` is CLIP or T5.
 */
export const ModelKind = z.enum(
  [
    'checkpoint',
    'diffusion-model',
    'text-encoder',
    'lora',
    'vae',
    'embedding',
    'controlnet',
    'upscaler',
    'other',
  ],
  {
    error:
      'expected a model kind: checkpoint, diffusion-model, text-encoder, lora, vae, embedding, controlnet, upscaler or other',
  },
);
export type ModelKind = z.infer<typeof ModelKind>;

/** Everything the agent needs to install, launch and inspect one UI kind. */
export interface UiKindInfo {
  label: string;
  /** Git URL the UI is cloned from unless the profile overrides `ui.repo`. */
  repo: string;
  /** Suggested `ui.ref` for new profiles. */
  defaultRef: string;
  /** Folder name under the workspace; every profile path is relative to it. */
  installDir: string;
  /** Port the UI listens on (the launch args below set it). */
  port: number;
  /** Run from `installDir`; the profile's `args` are appended after `args`. */
  launch: { command: string[]; args: string[] };
  /** Where extensions are cloned, relative to `installDir`; `null` = the UI has no extensions. */
  extensionsDir: string | null;
  /** The UI's own pip requirements, relative to `installDir` (what its launcher installs). */
  requirementsFile: string;
  /**
   * The script an extension may ship that the UI itself runs to install its packages (A1111's and Forge's
   * `install.py`), or null where extensions only list `requirements.txt` (ComfyUI custom nodes).
   */
  extensionInstaller: string | null;
  /** Where each model kind is linked, relative to `installDir`. */
  modelDirs: Record<ModelKind, string>;
  /** Folders the UI writes images to; used when a profile has no `outputs`. */
  defaultOutputs: string[];
  /**
   * Settings files a snapshot reads back, relative to `installDir`: the ones the UI writes itself as the user
   * changes settings (styles, model paths, its own config), not files of its checkout.
   */
  settingsFiles: string[];
  /**
   * Folders whose text files a snapshot also reads back (recursively): what the user saves through the UI,
   * such as ComfyUI's workflows. Relative to `installDir`.
   */
  settingsFolders: string[];
  /**
   * Folders the UI fills by itself on first use (face restorers, taggers, its own helper repositories): a
   * snapshot does not report the weights there, a new instance downloads them again. Relative to `installDir`.
   */
  selfManagedDirs: string[];
}

// A1111 and Forge share a layout: Forge is a fork of A1111.
/** What A1111 (and Forge) download themselves: restorers, interrogators, the VAE preview, cloned helper repos. */
const A1111_SELF_MANAGED = [
  'models/Codeformer',
  'models/GFPGAN',
  'models/BLIP',
  'models/deepbooru',
  'models/torch_deepdanbooru',
  'models/VAE-approx',
  'models/karlo',
  'repositories',
];

const A1111_MODEL_DIRS: Record<ModelKind, string> = {
  checkpoint: 'models/Stable-diffusion',
  // Forge loads FLUX transformers from the checkpoint folder and its text encoders from models/text_encoder.
  'diffusion-model': 'models/Stable-diffusion',
  'text-encoder': 'models/text_encoder',
  lora: 'models/Lora',
  vae: 'models/VAE',
  embedding: 'embeddings',
  controlnet: 'models/ControlNet',
  upscaler: 'models/ESRGAN',
  other: 'models/other',
};

// ComfyUI and Fooocus both name their folders after ComfyUI's.
const COMFY_MODEL_DIRS: Record<ModelKind, string> = {
  checkpoint: 'models/checkpoints',
  // ComfyUI's names since 2024 (models/unet and models/clip are their older aliases).
  'diffusion-model': 'models/diffusion_models',
  'text-encoder': 'models/text_encoders',
  lora: 'models/loras',
  vae: 'models/vae',
  embedding: 'models/embeddings',
  controlnet: 'models/controlnet',
  upscaler: 'models/upscale_models',
  other: 'models/other',
};

/** The one table of UI kinds. */
export const UI_KINDS: Record<UiKind, UiKindInfo> = {
  a1111: {
    label: 'AUTOMATIC1111 Stable Diffusion web UI',
    repo: 'https://github.com/AUTOMATIC1111/stable-diffusion-webui',
    defaultRef: 'v1.10.1',
    installDir: 'stable-diffusion-webui',
    port: 7860,
    launch: { command: ['python', 'launch.py'], args: ['--listen', '--port', '7860', '--api', '--xformers'] },
    extensionsDir: 'extensions',
    requirementsFile: 'requirements_versions.txt',
    extensionInstaller: 'install.py',
    modelDirs: A1111_MODEL_DIRS,
    defaultOutputs: ['outputs/'],
    settingsFiles: ['config.json', 'ui-config.json', 'styles.csv'],
    settingsFolders: [],
    selfManagedDirs: A1111_SELF_MANAGED,
  },
  comfyui: {
    label: 'ComfyUI',
    repo: 'https://github.com/comfyanonymous/ComfyUI',
    defaultRef: 'v0.3.68',
    installDir: 'ComfyUI',
    port: 8188,
    launch: { command: ['python', 'main.py'], args: ['--listen', '0.0.0.0', '--port', '8188'] },
    extensionsDir: 'custom_nodes',
    requirementsFile: 'requirements.txt',
    extensionInstaller: null,
    modelDirs: COMFY_MODEL_DIRS,
    defaultOutputs: ['output/'],
    settingsFiles: ['user/default/comfy.settings.json', 'extra_model_paths.yaml'],
    // Saved workflows (and their subfolders): the user's work, not the UI's.
    settingsFolders: ['user/default/workflows'],
    selfManagedDirs: [],
  },
  forge: {
    label: 'Stable Diffusion WebUI Forge',
    repo: 'https://github.com/lllyasviel/stable-diffusion-webui-forge',
    // Forge publishes no tags: the commit the images are built at (docker-bake.hcl), main's head of 2025-06-26.
    defaultRef: 'dfdcbab685e57677014f05a3309b48cc87383167',
    installDir: 'stable-diffusion-webui-forge',
    port: 7860,
    launch: { command: ['python', 'launch.py'], args: ['--listen', '--port', '7860', '--api'] },
    extensionsDir: 'extensions',
    requirementsFile: 'requirements_versions.txt',
    extensionInstaller: 'install.py',
    modelDirs: A1111_MODEL_DIRS,
    defaultOutputs: ['outputs/'],
    settingsFiles: ['config.json', 'ui-config.json', 'styles.csv'],
    settingsFolders: [],
    selfManagedDirs: A1111_SELF_MANAGED,
  },
  fooocus: {
    label: 'Fooocus',
    repo: 'https://github.com/lllyasviel/Fooocus',
    defaultRef: 'v2.5.5',
    installDir: 'Fooocus',
    port: 7865,
    // launch.py, not entry_with_update.py: the latter fast-forwards to upstream main and loses the pinned ref.
    launch: { command: ['python', 'launch.py'], args: ['--listen', '0.0.0.0', '--port', '7865'] },
    extensionsDir: null,
    requirementsFile: 'requirements_versions.txt',
    extensionInstaller: null,
    modelDirs: COMFY_MODEL_DIRS,
    defaultOutputs: ['outputs/'],
    // Written on first start with the model paths and defaults the user then edits.
    settingsFiles: ['config.txt'],
    settingsFolders: [],
    selfManagedDirs: ['models/prompt_expansion', 'models/inpaint', 'models/safety_checker'],
  },
  kohya: {
    label: 'Kohya\u2019s GUI (LoRA training)',
    repo: 'https://github.com/bmaltais/kohya_ss',
    defaultRef: 'v25.2.1',
    installDir: 'kohya_ss',
    port: 7860,
    launch: {
      command: ['python', 'kohya_gui.py'],
      // --noverify: its start-up requirement check would pip-install another torch over the image's (and fail
      // against the image's constraints); the image installs its requirements at build time.
      args: ['--listen', '0.0.0.0', '--server_port', '7860', '--headless', '--noverify'],
    },
    extensionsDir: null,
    requirementsFile: 'requirements.txt',
    extensionInstaller: null,
    // Kohya has no model layout of its own: training configs point at files by path.
    modelDirs: {
      checkpoint: 'models',
      'diffusion-model': 'models/diffusion_models',
      'text-encoder': 'models/text_encoders',
      lora: 'models/lora',
      vae: 'models/vae',
      embedding: 'models/embeddings',
      controlnet: 'models/controlnet',
      upscaler: 'models/upscalers',
      other: 'models/other',
    },
    defaultOutputs: ['outputs/'],
    // The GUI's saved defaults (`config example.toml` in the checkout shows the keys).
    settingsFiles: ['config.toml'],
    settingsFolders: [],
    selfManagedDirs: [],
  },
};
