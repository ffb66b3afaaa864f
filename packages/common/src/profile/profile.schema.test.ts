import { describe, expect, it } from 'vitest';
import { Profile } from './profile.schema.js';
import { NAME_MESSAGE as NAME, parsed, problems } from './test-support/validation.js';

const COMMIT = '149b015810d018cdee7afbdc579837f605f13e48';
const SHA = '31e35c80fc4829d14f90153f4c74cd59c90b779f6afe05a74cd6120b893f7e5b';
const SHA2 = '63aeecb90ff7bc1c115395962d3e803571385b61938377bc7089b36e81e92e2e';
const SDXL_URL =
  'https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0/resolve/main/sd_xl_base_1.0.safetensors';

type Loose = Record<string, unknown>;
const base = (extra: Loose = {}): Loose => ({
  name: 'sdxl-portraits',
  ui: { kind: 'comfyui', ref: COMMIT },
  ...extra,
});
const model = (extra: Loose = {}): Loose => ({
  name: 'sdxl-base',
  kind: 'checkpoint',
  sha256: SHA,
  source: { url: SDXL_URL },
  ...extra,
});
const extension = (extra: Loose = {}): Loose => ({
  url: 'https://github.com/ltdrdata/ComfyUI-Manager',
  ref: COMMIT,
  ...extra,
});

const KEYS =
  'expected one of the keys name, description, ui, extensions, models, files, env, args, outputs, idle, python';
const REF = 'expected a tag, branch or 40-hex commit';
const GIT_URL = 'expected a git URL: https://host/path, git@host:path or file:///path';
const CREDENTIALS =
  'expected a URL without credentials (profiles are not secret storage), got a user name or password in it';
const FOLDER = 'expected a folder name of letters, digits, ".", "_" or "-", not starting with "." or "-"';
const MODEL_NAME =
  'expected a model name of letters, digits, ".", "_" or "-", starting with a letter or digit, at most 100 characters';
const SHA256 = 'expected a sha256 of 64 lowercase hex digits';
const MODEL_URL = 'expected an https:// (or http://) URL to download the model from';
const STORAGE = 'expected a storage key such as models/sha256/<hex>';
const FILE_NAME =
  'expected a file name without "/", "\\", ":" or control characters, not "." or "..", not starting with "-"';

describe('Profile: the document and its name', () => {
  it('accepts the smallest profile and applies every default', () => {
    expect(parsed(base())).toEqual({
      name: 'sdxl-portraits',
      ui: { kind: 'comfyui', ref: COMMIT },
      extensions: [],
      models: [],
      files: [],
      env: {},
      args: [],
      outputs: ['output/'],
      idle: { minutes: 30, action: 'stop' },
    });
  });

  it('takes default outputs from the UI kind', () => {
    expect(parsed(base({ ui: { kind: 'a1111', ref: 'v1.10.1' } })).outputs).toEqual(['outputs/']);
    expect(parsed(base({ ui: { kind: 'fooocus', ref: 'v2.5.5' } })).outputs).toEqual(['outputs/']);
    expect(parsed(base({ outputs: [] })).outputs).toEqual([]);
  });

  it('is idempotent: parsing a parsed profile gives it back', () => {
    const once = parsed(base({ extensions: [extension()], models: [model()], idle: { minutes: 5 } }));
    expect(Profile.parse(once)).toEqual(once);
  });

  it('rejects what is not a mapping', () => {
    expect(problems(null)).toEqual(['(root): expected a profile mapping, got null']);
    expect(problems(['a', 'b'])).toEqual(['(root): expected a profile mapping, got a list of 2 items']);
    expect(problems('name: x')).toEqual(['(root): expected a profile mapping, got "name: x"']);
  });

  it('rejects unknown keys, naming the known ones', () => {
    expect(problems(base({ version: 2 }))).toEqual([`version: ${KEYS}, got "version"`]);
  });

  it('requires a valid name', () => {
    expect(problems({ ui: { kind: 'comfyui', ref: COMMIT } })).toEqual([
      `name: ${NAME}, but the key is missing`,
    ]);
    expect(problems(base({ name: 'SDXL' }))).toEqual([`name: ${NAME}, got "SDXL"`]);
    expect(problems(base({ name: '-x' }))).toEqual([`name: ${NAME}, got "-x"`]);
    expect(problems(base({ name: 'a b' }))).toEqual([`name: ${NAME}, got "a b"`]);
    expect(problems(base({ name: 'a'.repeat(64) }))).toEqual([`name: ${NAME}, got "${'a'.repeat(64)}"`]);
    expect(problems(base({ name: 123 }))).toEqual([`name: ${NAME}, got 123`]);
    expect(problems(base({ name: 'a'.repeat(63) }))).toEqual([]);
    expect(problems(base({ name: '0.x_y-z' }))).toEqual([]);
  });

  it('limits the description', () => {
    expect(problems(base({ description: 'x'.repeat(500) }))).toEqual([]);
    expect(problems(base({ description: 'x'.repeat(501) }))).toEqual([
      'description: expected at most 500 characters, got 501 characters',
    ]);
    expect(problems(base({ description: 5 }))).toEqual(['description: expected a description (text), got 5']);
  });
});

describe('Profile: ui', () => {
  it('requires kind and ref', () => {
    expect(problems({ name: 'x' })).toEqual([
      'ui: expected a ui mapping (kind, ref, repo, command), but the key is missing',
    ]);
    expect(problems(base({ ui: 'comfyui' }))).toEqual([
      'ui: expected a ui mapping (kind, ref, repo, command), got "comfyui"',
    ]);
    expect(problems(base({ ui: { kind: 'comfyui' } }))).toEqual([`ui.ref: ${REF}, but the key is missing`]);
    expect(problems(base({ ui: { kind: 'invokeai', ref: 'v1' } }))).toEqual([
      'ui.kind: expected a UI kind: a1111, comfyui, forge, fooocus or kohya, got "invokeai"',
    ]);
    expect(problems(base({ ui: { kind: 'comfyui', ref: 'v1', tag: 'v2' } }))).toEqual([
      'ui.tag: expected one of the keys kind, ref, repo, command, got "tag"',
    ]);
  });

  it.each([
    '-x',
    '--upload-pack=evil',
    'a..b',
    'a b',
    'x.lock',
    'x/',
    'x.',
    'a//b',
    '.hidden',
    'a/.b',
    '',
    'a@{1}',
  ])('rejects the ref %j', (ref) => {
    expect(problems(base({ ui: { kind: 'comfyui', ref } }))).toEqual([
      `ui.ref: ${REF}, got ${JSON.stringify(ref)}`,
    ]);
  });

  it.each(['v0.3.68', 'main', 'release/1.2', COMMIT, 'v1.10.1+cu121'])('accepts the ref %j', (ref) => {
    expect(problems(base({ ui: { kind: 'comfyui', ref } }))).toEqual([]);
  });

  it('checks a repo override', () => {
    const withRepo = (repo: string) => problems(base({ ui: { kind: 'comfyui', ref: 'v1', repo } }));
    expect(withRepo('https://github.com/me/ComfyUI')).toEqual([]);
    expect(withRepo('git@github.com:me/ComfyUI.git')).toEqual([]);
    expect(withRepo('file:///srv/git/ComfyUI')).toEqual([]);
    expect(withRepo('ftp://example.com/x')).toEqual([`ui.repo: ${GIT_URL}, got "ftp://example.com/x"`]);
    expect(withRepo('https://github.com')).toEqual([`ui.repo: ${GIT_URL}, got "https://github.com"`]);
    expect(withRepo('git@github.com:-x/y')).toEqual([`ui.repo: ${GIT_URL}, got "git@github.com:-x/y"`]);
    expect(withRepo('https://user:ghp_secret@github.com/me/x')).toEqual([`ui.repo: ${CREDENTIALS}`]);
  });

  it('takes a command for a UI not started with python, program first', () => {
    const withCommand = (command: unknown) => problems(base({ ui: { kind: 'comfyui', ref: 'v1', command } }));
    expect(withCommand(['node', 'demo-webui.js'])).toEqual([]);
    expect(withCommand(['python', 'main.py', '--fast'])).toEqual([]);
    expect(
      parsed(base({ ui: { kind: 'comfyui', ref: 'v1', command: ['node', 'x.js'] } })).ui.command,
    ).toEqual(['node', 'x.js']);
    expect(withCommand('node main.js')).toEqual([
      'ui.command: expected the command as a list of strings, such as [node, main.mjs], got "node main.js"',
    ]);
    expect(withCommand([])).toEqual([
      'ui.command: expected at least the program, such as [node, main.mjs], got a list of 0 items',
    ]);
    for (const program of ['/bin/sh', 'a b', '', '-x', 'nöde'])
      expect(withCommand([program, 'x'])).toEqual([
        `ui.command[0]: expected a program name (letters, digits, ".", "_", "-"), such as node or python, got ${JSON.stringify(program)}`,
      ]);
    expect(withCommand(['node', 'a\u0000b'])).toEqual([
      'ui.command[1]: expected no NUL characters (they cannot reach a process), got "a\\u0000b"',
    ]);
  });
});

describe('Profile: extensions', () => {
  it('defaults the folder name to the last URL segment without .git', () => {
    const names = parsed(
      base({
        extensions: [
          extension({ url: 'https://github.com/a/ComfyUI-Manager.git' }),
          extension({ url: 'git@github.com:b/was-node-suite/' }),
          extension({ url: 'file:///tmp/repos/my-ext' }),
          extension({ url: 'https://github.com/c/x', name: 'custom' }),
        ],
      }),
    ).extensions.map((e) => e.name);
    expect(names).toEqual(['ComfyUI-Manager', 'was-node-suite', 'my-ext', 'custom']);
  });

  it('requires a 40-hex commit', () => {
    expect(
      problems(
        base({ extensions: [extension(), extension({ name: 'b' }), extension({ name: 'c', ref: 'main' })] }),
      ),
    ).toEqual(['extensions[2].ref: expected a 40-hex commit, got "main"']);
    expect(problems(base({ extensions: [extension({ ref: COMMIT.toUpperCase() })] }))).toEqual([
      `extensions[0].ref: expected a 40-hex commit, got "${COMMIT.toUpperCase()}"`,
    ]);
    expect(problems(base({ extensions: [extension({ ref: COMMIT.slice(1) })] }))).toEqual([
      `extensions[0].ref: expected a 40-hex commit, got "${COMMIT.slice(1)}"`,
    ]);
    expect(problems(base({ extensions: [{ url: 'https://github.com/a/b' }] }))).toEqual([
      'extensions[0].ref: expected a 40-hex commit, but the key is missing',
    ]);
  });

  it('checks the URL and the folder name', () => {
    expect(problems(base({ extensions: [extension({ url: 'http://github.com/a/b' })] }))).toEqual([
      `extensions[0].url: ${GIT_URL}, got "http://github.com/a/b"`,
    ]);
    expect(problems(base({ extensions: [extension({ name: '.hidden' })] }))).toEqual([
      `extensions[0].name: ${FOLDER}, got ".hidden"`,
    ]);
    expect(problems(base({ extensions: [extension({ name: 'a/b' })] }))).toEqual([
      `extensions[0].name: ${FOLDER}, got "a/b"`,
    ]);
    expect(problems(base({ extensions: [extension({ url: 'https://example.com/.git' })] }))).toEqual([
      'extensions[0].name: expected a folder name: the URL does not end in a usable one, so set name',
    ]);
    expect(problems(base({ extensions: [extension({ branch: 'x' })] }))).toEqual([
      'extensions[0].branch: expected one of the keys url, ref, name, got "branch"',
    ]);
    expect(problems(base({ extensions: 'ComfyUI-Manager' }))).toEqual([
      'extensions: expected a list of extensions, got "ComfyUI-Manager"',
    ]);
    expect(problems(base({ extensions: ['x'] }))).toEqual([
      'extensions[0]: expected an extension mapping (url, ref, name), got "x"',
    ]);
  });

  it('requires unique folder names', () => {
    const twice = [extension(), extension({ url: 'https://github.com/fork/ComfyUI-Manager' })];
    expect(problems(base({ extensions: twice }))).toEqual([
      'extensions[1].name: expected a unique extension folder name, got "ComfyUI-Manager" again (first at extensions[0])',
    ]);
  });

  it('is an error for UI kinds without an extensions folder', () => {
    expect(problems(base({ ui: { kind: 'fooocus', ref: 'v2.5.5' }, extensions: [extension()] }))).toEqual([
      'extensions: expected no extensions: fooocus has no extensions folder',
    ]);
    expect(problems(base({ ui: { kind: 'kohya', ref: 'v25.2.1' }, extensions: [extension()] }))).toEqual([
      'extensions: expected no extensions: kohya has no extensions folder',
    ]);
    expect(problems(base({ ui: { kind: 'kohya', ref: 'v25.2.1' }, extensions: [] }))).toEqual([]);
  });
});

describe('Profile: models', () => {
  it('fills in the file name', () => {
    const files = parsed(
      base({
        models: [
          model(),
          model({
            name: 'spaced',
            kind: 'lora',
            source: { url: 'https://example.com/a/My%20LoRA.safetensors?download=true' },
          }),
          model({
            name: 'civitai',
            kind: 'lora',
            sha256: SHA2,
            source: { url: 'https://civitai.com/api/download/models/12345' },
          }),
          model({ name: 'stored', kind: 'vae', source: { storage: `models/sha256/${SHA}` } }),
          model({ name: 'named', kind: 'upscaler', file: '4x-UltraSharp.pth' }),
        ],
      }),
    ).models.map((m) => m.file);
    expect(files).toEqual([
      'sd_xl_base_1.0.safetensors',
      'My LoRA.safetensors',
      'civitai.safetensors',
      'stored.safetensors',
      '4x-UltraSharp.pth',
    ]);
  });

  it('checks name, kind and sha256', () => {
    expect(problems(base({ models: [model({ name: 'a b' })] }))).toEqual([
      `models[0].name: ${MODEL_NAME}, got "a b"`,
    ]);
    expect(problems(base({ models: [model({ kind: 'lycoris' })] }))).toEqual([
      'models[0].kind: expected a model kind: checkpoint, diffusion-model, text-encoder, lora, vae, embedding, controlnet, upscaler or other, got "lycoris"',
    ]);
    expect(problems(base({ models: [model({ sha256: SHA.toUpperCase() })] }))).toEqual([
      `models[0].sha256: ${SHA256}, got "${SHA.toUpperCase()}"`,
    ]);
    expect(problems(base({ models: [model({ sha256: 'abc' })] }))).toEqual([
      `models[0].sha256: ${SHA256}, got "abc"`,
    ]);
    expect(problems(base({ models: [model({ size: 1 })] }))).toEqual([
      'models[0].size: expected one of the keys name, kind, sha256, source, file, got "size"',
    ]);
  });

  it('requires exactly one source', () => {
    expect(problems(base({ models: [model({ source: {} })] }))).toEqual([
      'models[0].source: expected exactly one of url or storage, got neither',
    ]);
    expect(
      problems(base({ models: [model({ source: { url: SDXL_URL, storage: `models/sha256/${SHA}` } })] })),
    ).toEqual(['models[0].source: expected exactly one of url or storage, got both']);
    expect(problems(base({ models: [model({ source: { path: '/x' } })] }))).toEqual([
      'models[0].source.path: expected one of the keys url, storage, got "path"',
      'models[0].source: expected exactly one of url or storage, got neither',
    ]);
  });

  it('checks the source URL', () => {
    expect(problems(base({ models: [model({ source: { url: 'ftp://x/y.bin' } })] }))).toEqual([
      `models[0].source.url: ${MODEL_URL}, got "ftp://x/y.bin"`,
    ]);
    expect(problems(base({ models: [model({ source: { url: 'https://u:p@example.com/y.bin' } })] }))).toEqual(
      [`models[0].source.url: ${CREDENTIALS}`],
    );
    expect(
      problems(base({ models: [model({ source: { url: 'http://127.0.0.1:9000/m.safetensors' } })] })),
    ).toEqual([]);
  });

  it('requires the storage key of the model’s own sha256', () => {
    expect(problems(base({ models: [model({ source: { storage: `models/sha256/${SHA2}` } })] }))).toEqual([
      `models[0].source.storage: expected the storage key models/sha256/${SHA} (the key must match this model's sha256), got "models/sha256/${SHA2}"`,
    ]);
    expect(problems(base({ models: [model({ source: { storage: '../models/sha256/x' } })] }))).toEqual([
      `models[0].source.storage: ${STORAGE}, got "../models/sha256/x"`,
    ]);
  });

  it('checks the file name', () => {
    for (const file of ['a/b.safetensors', '..', '-x.safetensors', 'C:x', 'a\u0000b', ' lead']) {
      expect(problems(base({ models: [model({ file })] }))).toEqual([
        `models[0].file: ${FILE_NAME}, got ${JSON.stringify(file)}`,
      ]);
    }
  });

  it('requires unique names and no two files in one folder', () => {
    expect(problems(base({ models: [model(), model({ kind: 'lora' })] }))).toEqual([
      'models[1].name: expected a unique model name, got "sdxl-base" again (first at models[0])',
    ]);
    expect(problems(base({ models: [model(), model({ name: 'copy', sha256: SHA2 })] }))).toEqual([
      'models[1].file: expected a file name no other model uses, got "sd_xl_base_1.0.safetensors" in models/checkpoints/ again (first at models[0])',
    ]);
    // Different kinds live in different folders: the same file name is fine.
    expect(problems(base({ models: [model(), model({ name: 'as-lora', kind: 'lora' })] }))).toEqual([]);
  });
});
