import {
  diffProfiles,
  type Profile,
  parseProfileYaml,
  profileToYaml,
  type SnapshotReport,
  validateProfile,
} from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import type { ObjectStorage } from '../../storage/index.js';
import { buildSnapshot } from './snapshot-build.js';
import { describeChange } from './snapshot-spec.js';

const C1 = 'a1'.repeat(20);
const COMMAND = '0b5f2c1e-8a1d-4c3e-9f6a-2d7b8e9c0a11';

/** Storage the Python section must never touch (no files in these profiles). */
const noStorage = new Proxy({} as ObjectStorage, {
  get: (_target, key) => {
    throw new Error(`storage.${String(key)} used`);
  },
});
const emptyLibrary = { find: async () => null };

function profileOf(python: string): Profile {
  const parsed = parseProfileYaml(`name: py\nui: { kind: comfyui, ref: ${C1} }\n${python}`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.profile;
}

const reportWith = (python: SnapshotReport['python']): SnapshotReport => ({
  commandId: COMMAND,
  takenAt: new Date().toISOString(),
  ui: { path: '', remote: null, commit: C1, dirtyFiles: [] },
  extensions: [],
  models: [],
  files: [],
  ...(python === undefined ? {} : { python }),
  warnings: [],
});

async function snapshotOf(base: Profile, report: SnapshotReport) {
  const warnings: string[] = [];
  const built = await buildSnapshot(base, 'py', report, warnings, emptyLibrary, noStorage);
  const checked = validateProfile(built.spec);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  expect(warnings).toEqual([]);
  return checked.profile;
}

describe('buildSnapshot: Python packages', () => {
  const withOptions = profileOf(`python:
  extraIndexUrls: ["https://pypi.example.com/simple"]
  findLinks: ["/workspace/wheels"]
  packages: ["pp-old==1.0", "pp-gone==3.0"]
`);

  it("pins what the instance had and keeps the launched profile's pip options", async () => {
    const report = reportWith({ packages: ['pp-new==2.0', 'pp-old==1.1'] });
    const snapshot = await snapshotOf(withOptions, report);
    expect(snapshot.python).toEqual({
      extraIndexUrls: ['https://pypi.example.com/simple'],
      findLinks: ['/workspace/wheels'],
      packages: ['pp-new==2.0', 'pp-old==1.1'],
    });
    expect(profileToYaml(snapshot)).toContain(
      [
        'python:',
        '  extraIndexUrls:',
        '    - https://pypi.example.com/simple',
        '  findLinks:',
        '    - /workspace/wheels',
        '  packages:',
        '    - pp-new==2.0',
        '    - pp-old==1.1',
      ].join('\n'),
    );
    expect(diffProfiles(withOptions, snapshot).map(describeChange)).toEqual([
      'Python packages: pp-new==2.0 added, pp-old 1.0→1.1, pp-gone==3.0 removed',
    ]);
  });

  it('adds a python section to a profile that had none', async () => {
    const base = profileOf('');
    const snapshot = await snapshotOf(base, reportWith({ packages: ['pp-new==2.0'] }));
    expect(snapshot.python).toEqual({ packages: ['pp-new==2.0'] });
    expect(diffProfiles(base, snapshot).map(describeChange)).toEqual(['Python packages: pp-new==2.0 added']);
  });

  it('writes no python section when there are no packages and the launched profile had none', async () => {
    const snapshot = await snapshotOf(profileOf(''), reportWith({ packages: [] }));
    expect(snapshot.python).toBeUndefined();
    expect(profileToYaml(snapshot)).not.toContain('python');
  });

  it('drops pins no longer installed, keeping the pip options', async () => {
    const snapshot = await snapshotOf(withOptions, reportWith({ packages: [] }));
    expect(snapshot.python).toEqual({
      extraIndexUrls: ['https://pypi.example.com/simple'],
      findLinks: ['/workspace/wheels'],
    });
  });

  it('keeps the launched pins when the report has no packages (an older agent, a failed listing)', async () => {
    const snapshot = await snapshotOf(withOptions, reportWith(undefined));
    expect(snapshot.python).toEqual(withOptions.python);
    expect(diffProfiles(withOptions, snapshot)).toEqual([]);
  });
});

describe('buildSnapshot: files', () => {
  const SHA = 'c'.repeat(64);
  const file = (path: string, content = '{}') => ({ path, sha256: SHA, sizeBytes: content.length, content });
  const put = new Map<string, Buffer>();
  const storage = {
    head: async (key: string) => (put.has(key) ? { size: put.get(key)?.length ?? 0 } : null),
    put: async (key: string, bytes: Buffer) => {
      put.set(key, bytes);
    },
  } as unknown as ObjectStorage;

  it("keeps the kind's settings files and folders and the profile's files; names everything else", async () => {
    const base = profileOf("files:\n  - { path: custom.json, content: '{}' }\n");
    const report: SnapshotReport = {
      ...reportWith(undefined),
      files: [
        file('custom.json', '{"a": 1}'),
        file('user/default/comfy.settings.json'),
        file('user/default/workflows/portrait.json'),
        file('.git/config', '[core]\n\tfsmonitor = /tmp/x.sh\n'),
        file('custom_nodes/nodes-a/.GIT/config'),
        file('user/default/workflows/.git/config'),
        file('main.py', 'import os\n'),
        file('evil\u202etxt.json'),
      ],
    };
    const warnings: string[] = [];
    const built = await buildSnapshot(base, 'py', report, warnings, emptyLibrary, storage);
    const checked = validateProfile(built.spec);
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    expect(checked.profile.files.map((f) => f.path)).toEqual([
      'custom.json',
      'user/default/comfy.settings.json',
      'user/default/workflows/portrait.json',
    ]);
    expect(warnings).toEqual([
      'files left out: not a settings file of the UI or a file of the profile: ".git/config", "custom_nodes/nodes-a/.GIT/config", "user/default/workflows/.git/config", "main.py", "evil\\u202etxt.json"',
    ]);
  });
});
