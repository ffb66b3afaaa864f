import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatProfileIssue } from './profile-issues.js';
import { parseProfileYaml, profileToYaml } from './profile-yaml.js';
import { UiKind } from './ui-kinds.js';

const folder = fileURLToPath(new URL('../../../../examples/profiles/', import.meta.url));
const examples = readdirSync(folder)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

function parse(name: string) {
  const result = parseProfileYaml(readFileSync(`${folder}${name}`, 'utf8'));
  if (!result.ok) throw new Error(result.errors.map((issue) => formatProfileIssue(issue, name)).join('\n'));
  return result;
}

describe('examples/profiles', () => {
  it('has an example for every UI kind', () => {
    expect(examples).toEqual([
      'a1111-sd15.yaml',
      'comfyui-flux-dev.yaml',
      'comfyui-sdxl.yaml',
      'fooocus.yaml',
      'forge-flux.yaml',
      'kohya-lora-training.yaml',
    ]);
    const kinds = new Set(examples.map((name) => parse(name).profile.ui.kind));
    expect([...kinds].sort()).toEqual([...UiKind.options].sort());
  });

  it.each(examples)('%s parses with no errors and only the unpinned-ref warning', (name) => {
    const result = parse(name);
    expect(result.warnings.map((w) => w.path)).toEqual(['ui.ref']);
    expect(`${result.profile.name}.yaml`).toBe(name);
  });

  it.each(examples)('%s round-trips through canonical YAML byte for byte', (name) => {
    const { profile } = parse(name);
    const yaml = profileToYaml(profile);
    const again = parseProfileYaml(yaml);
    expect(again.ok && again.profile).toEqual(profile);
    expect(again.ok && profileToYaml(again.profile)).toBe(yaml);
  });
});
