import { describe, expect, it } from 'vitest';
import type { Profile } from './profile.schema.js';
import { formatProfileIssue, type ProfileIssue } from './profile-issues.js';
import { validateProfile } from './profile-validate.js';
import { parseProfileYaml, profileToYaml } from './profile-yaml.js';

const COMMIT = '149b015810d018cdee7afbdc579837f605f13e48';
const SHA = '31e35c80fc4829d14f90153f4c74cd59c90b779f6afe05a74cd6120b893f7e5b';

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;
const formatted = (issues: ProfileIssue[]) => issues.map((issue) => formatProfileIssue(issue));

function profileOf(text: string): Profile {
  const result = parseProfileYaml(text);
  if (!result.ok) throw new Error(formatted(result.errors).join('\n'));
  return result.profile;
}

function fromValue(value: unknown): Profile {
  const result = validateProfile(value);
  if (!result.ok) throw new Error(formatted(result.errors).join('\n'));
  return result.profile;
}

describe('profileToYaml', () => {
  const full = fromValue({
    idle: { minutes: 20 },
    outputs: ['output/', 'temp/'],
    args: ['--preview-method', 'auto'],
    env: { ZED: 'last', PYTORCH_CUDA_ALLOC_CONF: 'expandable_segments:True', A_FIRST: 'yes' },
    files: [
      { path: 'user/default/comfy.settings.json', content: '{\n  "Comfy.UseNewMenu": "Top"\n}\n' },
      { path: 'big.bin', storage: 'files/big.bin' },
    ],
    models: [
      {
        file: 'base.safetensors',
        source: { url: 'https://huggingface.co/x/y/resolve/main/base.safetensors' },
        sha256: SHA,
        kind: 'checkpoint',
        name: 'sdxl-base',
      },
    ],
    extensions: [{ ref: COMMIT, url: 'https://github.com/ltdrdata/ComfyUI-Manager' }],
    ui: { repo: 'https://github.com/me/ComfyUI', ref: 'v0.3.68', kind: 'comfyui' },
    description: 'Portraits: SDXL',
    name: 'sdxl-portraits',
  });

  it('writes the canonical form: fixed key order, sorted env, defaults written, block literals', () => {
    expect(profileToYaml(full)).toBe(
      lines(
        'name: sdxl-portraits',
        'description: "Portraits: SDXL"',
        'ui:',
        '  kind: comfyui',
        '  ref: v0.3.68',
        '  repo: https://github.com/me/ComfyUI',
        'extensions:',
        '  - url: https://github.com/ltdrdata/ComfyUI-Manager',
        `    ref: ${COMMIT}`,
        '    name: ComfyUI-Manager',
        'models:',
        '  - name: sdxl-base',
        '    kind: checkpoint',
        `    sha256: ${SHA}`,
        '    source:',
        '      url: https://huggingface.co/x/y/resolve/main/base.safetensors',
        '    file: base.safetensors',
        'files:',
        '  - path: user/default/comfy.settings.json',
        '    content: |',
        '      {',
        '        "Comfy.UseNewMenu": "Top"',
        '      }',
        '  - path: big.bin',
        '    storage: files/big.bin',
        'env:',
        '  A_FIRST: "yes"',
        '  PYTORCH_CUDA_ALLOC_CONF: expandable_segments:True',
        '  ZED: last',
        'args:',
        '  - --preview-method',
        '  - auto',
        'outputs:',
        '  - output/',
        '  - temp/',
        'idle:',
        '  minutes: 20',
        '  action: stop',
      ),
    );
  });

  it('writes defaults out and leaves comments behind', () => {
    const yaml = profileToYaml(
      profileOf(lines('# mine', 'name: x  # the name', 'ui: { kind: a1111, ref: v1.10.1 }')),
    );
    expect(yaml).toBe(
      lines(
        'name: x',
        'ui:',
        '  kind: a1111',
        '  ref: v1.10.1',
        'extensions: []',
        'models: []',
        'files: []',
        'env: {}',
        'args: []',
        'outputs:',
        '  - outputs/',
        'idle:',
        '  minutes: 30',
        '  action: stop',
      ),
    );
  });

  const tricky = [
    'key: value',
    '  leading spaces',
    'trailing spaces  ',
    'ünïcødé ✓ 日本語 🎨',
    'yes',
    'No',
    'on',
    'null',
    '~',
    'true',
    '123',
    '0x1F',
    '1e3',
    '.inf',
    '007',
    '1:20',
    '2024-01-01',
    '=',
    '',
    '#not a comment',
    '- not a list',
    '{"json": [1, 2]}',
    "it's",
    '"quoted"',
    'tab\there',
    'x'.repeat(300),
    `${'long words '.repeat(40)}end`,
    'line one\nline two\n',
    'no final newline\nend',
    'two final newlines\n\n',
    '\nleading blank line\n',
    '  indented first line\nsecond\n',
    'windows\r\nline endings\r\n',
    'trailing spaces on a line   \nnext\n',
    '---\ndocument marker inside\n...\n',
  ];

  it.each(tricky)('round-trips %j byte for byte, as a string', (text) => {
    const profile = fromValue({
      name: 'tricky',
      description: text.length <= 500 ? text : undefined,
      ui: { kind: 'comfyui', ref: COMMIT },
      files: [{ path: 'f.txt', content: text }],
      env: { VALUE: text },
      args: [text],
    });
    const yaml = profileToYaml(profile);
    const again = profileOf(yaml);
    expect(again).toEqual(profile);
    expect(again.files[0]?.content).toBe(text);
    expect(again.env.VALUE).toBe(text);
    expect(profileToYaml(again)).toBe(yaml);
  });

  it('quotes what YAML 1.1 readers would not read as a string', () => {
    const env = { A: 'yes', B: 'off', C: '1:20', D: '2024-01-01', E: 'plain' };
    const yaml = profileToYaml(fromValue({ name: 'x', ui: { kind: 'comfyui', ref: COMMIT }, env }));
    expect(yaml).toContain('  A: "yes"\n  B: "off"\n  C: "1:20"\n  D: "2024-01-01"\n  E: plain\n');
  });

  it('does not fold long lines', () => {
    const long = 'word '.repeat(100).trim();
    const yaml = profileToYaml(
      fromValue({ name: 'x', description: long, ui: { kind: 'comfyui', ref: COMMIT } }),
    );
    expect(yaml.split('\n')[1]).toBe(`description: ${long}`);
  });
});
