import { describe, expect, it } from 'vitest';
import type { Profile } from './profile.schema.js';
import { diffProfiles, ProfileChange, unifiedProfileDiff } from './profile-diff.js';
import { validateProfile } from './profile-validate.js';

const C1 = '149b015810d018cdee7afbdc579837f605f13e48';
const C2 = 'a7a3436b5ce0a95f78950b6bc11c4c0f95b83f3e';
const SHA1 = '31e35c80fc4829d14f90153f4c74cd59c90b779f6afe05a74cd6120b893f7e5b';
const SHA2 = '63aeecb90ff7bc1c115395962d3e803571385b61938377bc7089b36e81e92e2e';

function profile(overrides: Record<string, unknown> = {}): Profile {
  const result = validateProfile({
    name: 'sdxl-portraits',
    ui: { kind: 'comfyui', ref: 'v0.3.68' },
    extensions: [{ url: 'https://github.com/ltdrdata/ComfyUI-Manager', ref: C1 }],
    models: [
      {
        name: 'sdxl-base',
        kind: 'checkpoint',
        sha256: SHA1,
        source: { url: 'https://huggingface.co/a/b/resolve/main/base.safetensors' },
      },
    ],
    files: [{ path: 'user/default/comfy.settings.json', content: '{"Comfy.UseNewMenu": "Top"}' }],
    env: { PYTORCH_CUDA_ALLOC_CONF: 'expandable_segments:True' },
    args: ['--preview-method', 'auto'],
    ...overrides,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.profile;
}

describe('diffProfiles', () => {
  it('is empty for equal profiles', () => {
    expect(diffProfiles(profile(), profile())).toEqual([]);
  });

  it('reports a ui command as the words it runs', () => {
    const withCommand = (command: string[]) => profile({ ui: { kind: 'comfyui', ref: 'v0.3.68', command } });
    expect(diffProfiles(profile(), withCommand(['node', 'demo-webui.js'])).map((c) => c.summary)).toEqual([
      'command set to "node demo-webui.js"',
    ]);
    expect(
      diffProfiles(withCommand(['node', 'a.js']), withCommand(['node', 'b.js'])).map((c) => [
        c.key,
        c.change,
      ]),
    ).toEqual([['command', 'changed']]);
  });

  it('reports ui, description and idle fields', () => {
    const to = profile({
      description: 'now described',
      ui: { kind: 'comfyui', ref: C2, repo: 'https://github.com/me/ComfyUI' },
      idle: { minutes: 20, action: 'destroy' },
    });
    expect(diffProfiles(profile(), to)).toEqual([
      {
        section: 'description',
        change: 'added',
        key: 'description',
        to: 'now described',
        summary: 'description set to "now described"',
      },
      {
        section: 'ui',
        change: 'changed',
        key: 'ref',
        from: 'v0.3.68',
        to: C2,
        summary: `ref "v0.3.68" → ${C2.slice(0, 12)}`,
      },
      {
        section: 'ui',
        change: 'added',
        key: 'repo',
        to: 'https://github.com/me/ComfyUI',
        summary: 'repo set to "https://github.com/me/ComfyUI"',
      },
      { section: 'idle', change: 'changed', key: 'minutes', from: 30, to: 20, summary: 'minutes 30 → 20' },
      {
        section: 'idle',
        change: 'changed',
        key: 'action',
        from: 'stop',
        to: 'destroy',
        summary: 'action "stop" → "destroy"',
      },
    ]);
    expect(diffProfiles(to, profile())[0]).toEqual({
      section: 'description',
      change: 'removed',
      key: 'description',
      from: 'now described',
      summary: 'description removed (was "now described")',
    });
  });

  it('keys extensions by folder name: a new ref or URL is a change', () => {
    const to = profile({
      extensions: [
        { url: 'https://github.com/fork/ComfyUI-Manager', ref: C2 },
        { url: 'https://github.com/pythongosssss/ComfyUI-Custom-Scripts', ref: C2 },
      ],
    });
    expect(diffProfiles(profile(), to)).toEqual([
      {
        section: 'extensions',
        change: 'changed',
        key: 'ComfyUI-Manager',
        from: { url: 'https://github.com/ltdrdata/ComfyUI-Manager', ref: C1 },
        to: { url: 'https://github.com/fork/ComfyUI-Manager', ref: C2 },
        summary: `url "https://github.com/ltdrdata/ComfyUI-Manager" → "https://github.com/fork/ComfyUI-Manager"; ref ${C1.slice(0, 12)} → ${C2.slice(0, 12)}`,
      },
      {
        section: 'extensions',
        change: 'added',
        key: 'ComfyUI-Custom-Scripts',
        to: { url: 'https://github.com/pythongosssss/ComfyUI-Custom-Scripts', ref: C2 },
        summary: `added (https://github.com/pythongosssss/ComfyUI-Custom-Scripts at ${C2.slice(0, 12)})`,
      },
    ]);
    expect(diffProfiles(to, profile()).at(-1)).toMatchObject({
      change: 'removed',
      key: 'ComfyUI-Custom-Scripts',
    });
  });

  it('keys models by name and lists only the fields that changed', () => {
    const to = profile({
      models: [
        {
          name: 'sdxl-base',
          kind: 'checkpoint',
          sha256: SHA2,
          source: { storage: `models/sha256/${SHA2}` },
          file: 'base.safetensors',
        },
        { name: 'vae', kind: 'vae', sha256: SHA1, source: { storage: `models/sha256/${SHA1}` } },
      ],
    });
    expect(diffProfiles(profile(), to)).toEqual([
      {
        section: 'models',
        change: 'changed',
        key: 'sdxl-base',
        from: { sha256: SHA1, source: { url: 'https://huggingface.co/a/b/resolve/main/base.safetensors' } },
        to: { sha256: SHA2, source: { storage: `models/sha256/${SHA2}` } },
        summary: `sha256 ${SHA1.slice(0, 12)} → ${SHA2.slice(0, 12)}; source {"url":"https://huggingface.co/a/b/resolve/main/base.safetensors"} → {"storage":"models/sha256/${SHA2}"}`,
      },
      {
        section: 'models',
        change: 'added',
        key: 'vae',
        to: {
          kind: 'vae',
          sha256: SHA1,
          source: { storage: `models/sha256/${SHA1}` },
          file: 'vae.safetensors',
        },
        summary: `added (vae, sha256 ${SHA1.slice(0, 12)})`,
      },
    ]);
  });

  it('keys files by path and summarises content by size, never by value', () => {
    const settings = 'user/default/comfy.settings.json';
    const to = profile({
      files: [
        { path: settings, content: '{"Comfy.UseNewMenu": "Bottom", "x": "ü"}' },
        { path: 'big.json', storage: 'files/big.json' },
      ],
    });
    const changes = diffProfiles(profile(), to);
    expect(changes).toEqual([
      {
        section: 'files',
        change: 'changed',
        key: settings,
        from: { content: { bytes: 27 } },
        to: { content: { bytes: 41 } },
        summary: 'content changed (27 → 41 bytes)',
      },
      {
        section: 'files',
        change: 'added',
        key: 'big.json',
        to: { storage: 'files/big.json' },
        summary: 'added (storage files/big.json)',
      },
    ]);
    expect(JSON.stringify(changes)).not.toContain('Bottom');
    expect(
      diffProfiles(profile(), profile({ files: [{ path: settings, storage: 'files/s.json' }] })),
    ).toEqual([
      {
        section: 'files',
        change: 'changed',
        key: settings,
        from: { content: { bytes: 27 } },
        to: { storage: 'files/s.json' },
        summary: 'content (27 bytes) → storage files/s.json',
      },
    ]);
    // Same size, other bytes: still a change.
    expect(
      diffProfiles(
        profile(),
        profile({ files: [{ path: settings, content: '{"Comfy.UseNewMenu": "Tip"}' }] }),
      ),
    ).toEqual([
      {
        section: 'files',
        change: 'changed',
        key: settings,
        from: { content: { bytes: 27 } },
        to: { content: { bytes: 27 } },
        summary: 'content changed (27 → 27 bytes)',
      },
    ]);
    expect(diffProfiles(profile(), profile({ files: [] }))).toEqual([
      {
        section: 'files',
        change: 'removed',
        key: settings,
        from: { content: { bytes: 27 } },
        summary: 'removed (content (27 bytes))',
      },
    ]);
  });

  it('keys env by name; args and outputs as lists', () => {
    const to = profile({
      env: { PYTORCH_CUDA_ALLOC_CONF: 'max_split_size_mb:512', HF_HUB_OFFLINE: '1' },
      args: ['--lowvram'],
      outputs: ['output/', 'temp/'],
    });
    expect(diffProfiles(profile(), to)).toEqual([
      {
        section: 'env',
        change: 'changed',
        key: 'PYTORCH_CUDA_ALLOC_CONF',
        from: 'expandable_segments:True',
        to: 'max_split_size_mb:512',
        summary: 'PYTORCH_CUDA_ALLOC_CONF "expandable_segments:True" → "max_split_size_mb:512"',
      },
      {
        section: 'env',
        change: 'added',
        key: 'HF_HUB_OFFLINE',
        to: '1',
        summary: 'HF_HUB_OFFLINE set to "1"',
      },
      {
        section: 'args',
        change: 'changed',
        key: 'args',
        from: ['--preview-method', 'auto'],
        to: ['--lowvram'],
        summary: 'args ["--preview-method","auto"] → ["--lowvram"]',
      },
      { section: 'outputs', change: 'added', key: 'temp/', to: 'temp/', summary: 'watching temp/' },
    ]);
    expect(diffProfiles(to, profile()).filter((c) => c.change === 'removed')).toEqual([
      {
        section: 'env',
        change: 'removed',
        key: 'HF_HUB_OFFLINE',
        from: '1',
        summary: 'HF_HUB_OFFLINE removed (was "1")',
      },
      {
        section: 'outputs',
        change: 'removed',
        key: 'temp/',
        from: 'temp/',
        summary: 'stopped watching temp/',
      },
    ]);
  });

  it('produces changes that match the ProfileChange schema', () => {
    const to = profile({
      ui: { kind: 'a1111', ref: 'v1.10.1' },
      extensions: [],
      models: [],
      files: [],
      env: {},
      args: [],
    });
    const changes = diffProfiles(profile(), to);
    expect(changes.length).toBeGreaterThan(5);
    for (const change of changes) expect(ProfileChange.parse(change)).toEqual(change);
  });
});

describe('unifiedProfileDiff', () => {
  it('is empty when the canonical YAML is identical', () => {
    expect(unifiedProfileDiff(profile(), profile(), { from: 'a', to: 'b' })).toBe('');
  });

  it('diffs the canonical YAML with 3 lines of context', () => {
    const to = profile({ ui: { kind: 'comfyui', ref: C2 }, idle: { minutes: 20 } });
    expect(unifiedProfileDiff(profile(), to, { from: 'sdxl-portraits@1', to: 'sdxl-portraits@2' })).toBe(
      [
        '--- sdxl-portraits@1',
        '+++ sdxl-portraits@2',
        '@@ -1,7 +1,7 @@',
        ' name: sdxl-portraits',
        ' ui:',
        '   kind: comfyui',
        '-  ref: v0.3.68',
        `+  ref: ${C2}`,
        ' extensions:',
        '   - url: https://github.com/ltdrdata/ComfyUI-Manager',
        `     ref: ${C1}`,
        '@@ -24,5 +24,5 @@',
        ' outputs:',
        '   - output/',
        ' idle:',
        '-  minutes: 30',
        '+  minutes: 20',
        '   action: stop',
        '',
      ].join('\n'),
    );
  });
});
