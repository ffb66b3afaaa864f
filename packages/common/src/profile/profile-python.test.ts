import { describe, expect, it } from 'vitest';
import { diffProfiles } from './profile-diff.js';
import { validateProfile } from './profile-validate.js';
import { parseProfileYaml, profileToYaml } from './profile-yaml.js';
import { parsed, problems } from './test-support/validation.js';

const COMMIT = '149b015810d018cdee7afbdc579837f605f13e48';
const base = (python: unknown) => ({ name: 'nodes', ui: { kind: 'comfyui', ref: COMMIT }, python });

describe('Profile: python', () => {
  it('accepts pip options and pinned packages, and leaves the section out when absent', () => {
    const python = {
      extraIndexUrls: ['https://pypi.example.com/simple'],
      findLinks: ['/workspace/wheels', 'https://wheels.example.com/'],
      packages: ['opencv-python==4.10.0.84', 'onnxruntime_gpu==1.19.2'],
    };
    expect(parsed(base(python))).toMatchObject({ python });
    expect(parsed({ name: 'nodes', ui: { kind: 'comfyui', ref: COMMIT } })).not.toHaveProperty('python');
  });

  it('names the field of each bad value', () => {
    expect(
      problems(
        base({
          extraIndexUrls: ['ftp://x/simple', 'https://user:pw@pypi.example.com/simple'],
          findLinks: ['relative/wheels'],
          packages: ['numpy>=1', 'torch'],
          indexUrl: 'https://x',
        }),
      ),
    ).toEqual([
      'python.extraIndexUrls[0]: expected an http(s) URL of a package index (pip --extra-index-url), got "ftp://x/simple"',
      'python.extraIndexUrls[1]: expected a URL without credentials (profiles are not secret storage), got a user name or password in it',
      'python.findLinks[0]: expected an http(s) URL or an absolute folder path on the instance where pip finds wheels (pip --find-links), got "relative/wheels"',
      'python.packages[0]: expected a pinned package "name==version", e.g. "opencv-python==4.10.0.84", got "numpy>=1"',
      'python.packages[1]: expected a pinned package "name==version", e.g. "opencv-python==4.10.0.84", got "torch"',
      'python.indexUrl: expected one of the keys extraIndexUrls, findLinks, packages, got "indexUrl"',
    ]);
  });

  it('round-trips through the canonical YAML and shows up in diffs', () => {
    const result = validateProfile(base({ findLinks: ['/w'], packages: ['a==1'] }));
    if (!result.ok) throw new Error('invalid');
    const yaml = profileToYaml(result.profile);
    expect(yaml).toContain('python:\n  findLinks:\n    - /w\n  packages:\n    - a==1\n');
    const again = parseProfileYaml(yaml);
    expect(again.ok && again.profile).toEqual(result.profile);
    const other = validateProfile(base({ findLinks: ['/w'], packages: ['a==2'] }));
    if (!other.ok) throw new Error('invalid');
    expect(diffProfiles(result.profile, other.profile)).toEqual([
      expect.objectContaining({ section: 'python', key: 'packages', change: 'changed' }),
    ]);
  });
});
