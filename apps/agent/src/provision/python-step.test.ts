import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Profile, validateProfile } from '@podpilot/common';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProvisionOptions } from './provision.js';
import { installPython } from './python-step.js';

const workspace = mkdtempSync(join(tmpdir(), 'podpilot-python-step-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

function options(fields: Record<string, unknown>, said: string[]): ProvisionOptions {
  const result = validateProfile({ name: 'demo', ...fields });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return {
    profile: { name: 'demo', version: 1, spec: result.profile as Profile },
    workspace,
    cacheDir: join(workspace, 'cache'),
    hub: { event: async () => {} } as unknown as ProvisionOptions['hub'],
    progress: { set: () => {} } as unknown as ProvisionOptions['progress'],
    say: (line: string) => said.push(line),
    signal: new AbortController().signal,
    // No Python on this "machine": any attempt to use it fails.
    python: { baseInterpreter: join(workspace, 'no-python-here'), seedDir: join(workspace, 'seed') },
  };
}

const checkouts = { uiDir: join(workspace, 'ComfyUI'), uiCommit: 'c', items: [] };

describe('the Python step', () => {
  it('is skipped for a UI started without python and with nothing else to install (no Python needed)', async () => {
    const said: string[] = [];
    const ui = { kind: 'comfyui', ref: 'v1', command: ['node', 'demo-webui.js'] };
    expect(await installPython(options({ ui }, said), checkouts)).toEqual([]);
    expect(said).toEqual([expect.stringMatching(/^Python: not needed/)]);
  });

  it('still runs for a python UI, or when extensions or pinned packages need it', async () => {
    const node = { kind: 'comfyui', ref: 'v1', command: ['node', 'x.js'] };
    const needs = [
      { ui: { kind: 'comfyui', ref: 'v1' } },
      { ui: node, extensions: [{ url: 'https://github.com/a/b', ref: 'a'.repeat(40) }] },
      { ui: node, python: { packages: ['six==1.16.0'] } },
    ];
    for (const fields of needs)
      await expect(installPython(options(fields, []), checkouts)).rejects.toThrow(/no-python-here/);
  });
});
