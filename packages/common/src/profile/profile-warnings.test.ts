import { describe, expect, it } from 'vitest';
import { formatProfileIssue, type ProfileIssue } from './profile-issues.js';
import { validateProfile } from './profile-validate.js';
import { profileWarnings } from './profile-warnings.js';
import { parseProfileYaml } from './profile-yaml.js';

const COMMIT = '149b015810d018cdee7afbdc579837f605f13e48';
const SHA = '31e35c80fc4829d14f90153f4c74cd59c90b779f6afe05a74cd6120b893f7e5b';

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;
const formatted = (issues: ProfileIssue[]) => issues.map((issue) => formatProfileIssue(issue));

describe('warnings', () => {
  const head = ['name: x', 'ui:', '  kind: comfyui', `  ref: ${COMMIT}`];

  it('warns about a tag or branch as ui.ref, with its line', () => {
    const result = parseProfileYaml(lines('name: x', 'ui:', '  kind: comfyui', '  ref: v0.3.68'));
    expect(result).toMatchObject({
      ok: true,
      warnings: [
        {
          path: 'ui.ref',
          line: 4,
          column: 8,
          message: '"v0.3.68" is a tag or branch; pin a 40-hex commit for an exact rebuild',
        },
      ],
    });
    expect(parseProfileYaml(lines(...head)).warnings).toEqual([]);
  });

  it('warns about secret-looking env keys', () => {
    const text = lines(
      ...head,
      'env:',
      '  HF_TOKEN: x',
      '  CIVITAI_API_KEY: x',
      '  PASSWORD: x',
      '  PYTORCH_CUDA_ALLOC_CONF: x',
    );
    const result = parseProfileYaml(text);
    const secret = 'profiles are not secret storage (they are versioned, shared and never deleted)';
    expect(formatted(result.warnings)).toEqual([
      `6:3: env.HF_TOKEN: HF_TOKEN looks like a secret; ${secret}`,
      `7:3: env.CIVITAI_API_KEY: CIVITAI_API_KEY looks like a secret; ${secret}`,
      `8:3: env.PASSWORD: PASSWORD looks like a secret; ${secret}`,
    ]);
  });

  it('warns about one file under two names, secrets in URLs and plain http', () => {
    const model = (name: string, url: string) => [
      `  - name: ${name}`,
      '    kind: checkpoint',
      `    sha256: ${SHA}`,
      `    source: { url: "${url}" }`,
      `    file: ${name}.safetensors`,
    ];
    const text = lines(
      ...head,
      'models:',
      ...model('a', 'https://huggingface.co/x/y/resolve/main/a.safetensors'),
      ...model('b', 'https://civitai.com/api/download/models/1?token=abc'),
      ...model('c', 'http://example.com/c.safetensors'),
      ...model('d', 'http://127.0.0.1:8080/d.safetensors'),
    );
    expect(formatted(parseProfileYaml(text).warnings)).toEqual([
      '13:13: models[1].sha256: same file as models[0] ("a"); it is stored once and linked under both names',
      '14:20: models[1].source.url: the URL carries a "token" parameter; profiles are not secret storage (they are versioned, shared and never deleted)',
      '18:13: models[2].sha256: same file as models[0] ("a"); it is stored once and linked under both names',
      '19:20: models[2].source.url: downloads over plain http; the sha256 check still rejects a tampered file, but prefer https',
      '23:13: models[3].sha256: same file as models[0] ("a"); it is stored once and linked under both names',
    ]);
  });

  it('warns when args repeat a flag the launch command sets', () => {
    const result = parseProfileYaml(lines(...head, 'args: [--port, "9000", --preview-method, auto]'));
    expect(formatted(result.warnings)).toEqual([
      '5:8: args[0]: --port is already set by the comfyui launch command; overriding it can cut the UI off from podpilot',
    ]);
  });

  it('is available without YAML, with no positions', () => {
    const result = validateProfile({ name: 'x', ui: { kind: 'forge', ref: 'main' } });
    if (!result.ok) throw new Error('expected a valid profile');
    const profile = result.profile;
    expect(profileWarnings(profile)).toEqual([
      {
        path: 'ui.ref',
        line: null,
        column: null,
        message: '"main" is a tag or branch; pin a 40-hex commit for an exact rebuild',
      },
    ]);
  });
});
