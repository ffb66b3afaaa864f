import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Profile, validateProfile } from '@podpilot/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CheckoutEvent,
  ProvisionCheckoutsError,
  provisionCheckouts,
  resolveCommit,
} from './checkouts.js';
import { git, makeRemote, type TestRemote, tempDir } from './test-support/git-repos.js';

let root: string;
let cleanup: () => void;
let ui: TestRemote;
let tagged: string;
let latest: string;
let workspace: string;

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
  ui = makeRemote(root, 'ComfyUI');
  tagged = ui.commit({ 'main.py': 'v1\n', 'custom_nodes/README': 'nodes go here\n' });
  ui.tag('v0.3.68');
  latest = ui.commit({ 'main.py': 'v2\n' });
  workspace = join(root, 'workspace');
});
afterEach(() => cleanup());

function profile(fields: Record<string, unknown>): Profile {
  const result = validateProfile({ name: 'test', ...fields });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.profile;
}

function extension(name: string): { url: string; ref: string } {
  const remote = makeRemote(root, name);
  return { url: remote.url, ref: remote.commit({ '__init__.py': `# ${name}\n` }) };
}

describe('resolveCommit', () => {
  it('resolves annotated and lightweight tags, branches, and passes commits through', async () => {
    ui.tag('light', true);
    expect(await resolveCommit(ui.url, 'v0.3.68')).toBe(tagged);
    expect(await resolveCommit(ui.url, 'light')).toBe(latest);
    expect(await resolveCommit(ui.url, 'main')).toBe(latest);
    expect(await resolveCommit(ui.url, 'refs/tags/v0.3.68')).toBe(tagged);
    expect(await resolveCommit('file:///nowhere', tagged)).toBe(tagged);
  });

  it('names the ref and the remote when neither a tag nor a branch matches', async () => {
    await expect(resolveCommit(ui.url, 'v9.9.9')).rejects.toThrow(
      `ref "v9.9.9" is not a tag or branch of ${ui.url}`,
    );
    await expect(resolveCommit(ui.url, '--upload-pack=x')).rejects.toThrow(/does not start with "-"/);
  });
});

describe('provisionCheckouts', () => {
  it('pins the UI at the commit its tag names, then is unchanged on the next run', async () => {
    const p = profile({ ui: { kind: 'comfyui', ref: 'v0.3.68', repo: ui.url } });
    const result = await provisionCheckouts(p, workspace);
    expect(result.uiDir).toBe(join(workspace, 'ComfyUI'));
    expect(result.uiCommit).toBe(tagged);
    expect(result.items).toEqual([
      expect.objectContaining({
        name: 'comfyui',
        kind: 'ui',
        ref: 'v0.3.68',
        commit: tagged,
        status: 'cloned',
      }),
    ]);
    expect(git(result.uiDir, 'rev-parse', 'HEAD')).toBe(tagged);
    expect(readFileSync(join(result.uiDir, 'main.py'), 'utf8')).toBe('v1\n');
    const again = await provisionCheckouts(p, workspace);
    expect(again.items[0]?.status).toBe('unchanged');
  });

  it('checks out extensions in parallel; a bad one fails alone and is named', async () => {
    const good = ['NodesA', 'NodesB', 'NodesC', 'NodesD'].map((name) => ({ name, ...extension(name) }));
    const bad = { name: 'Broken', url: `file://${root}/remotes/missing.git`, ref: 'a'.repeat(40) };
    const p = profile({
      ui: { kind: 'comfyui', ref: latest, repo: ui.url },
      extensions: [good[0], bad, ...good.slice(1)],
    });
    const events: CheckoutEvent[] = [];
    let running = 0;
    let most = 0;
    const onItem = (event: CheckoutEvent) => {
      events.push(event);
      if (event.kind !== 'extension') return;
      running += event.status === 'started' ? 1 : -1;
      most = Math.max(most, running);
    };
    const error = await provisionCheckouts(p, workspace, { parallel: 2, onItem }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionCheckoutsError);
    const failure = error as ProvisionCheckoutsError;
    expect(failure.message).toMatch(
      /^1 of 6 checkouts failed: extension Broken \(file:\/\/.*missing\.git\): git fetch/,
    );
    expect(failure.errors).toHaveLength(1);
    expect(most).toBe(2);
    const byName = new Map(failure.results.map((item) => [item.name, item]));
    expect(byName.get('Broken')?.status).toBe('failed');
    for (const ext of good) {
      const item = byName.get(ext.name);
      expect(item).toMatchObject({ status: 'cloned', commit: ext.ref, kind: 'extension' });
      expect(item?.dir).toBe(join(workspace, 'ComfyUI', 'custom_nodes', ext.name));
      expect(git(item?.dir as string, 'rev-parse', 'HEAD')).toBe(ext.ref);
    }
    expect(events.filter((e) => e.status === 'started')).toHaveLength(6);
    expect(events.find((e) => e.name === 'Broken' && e.status === 'failed')?.error).toBeInstanceOf(Error);

    // Fixed profile: what worked is left alone.
    const fixed = profile({ ui: { kind: 'comfyui', ref: latest, repo: ui.url }, extensions: good });
    const result = await provisionCheckouts(fixed, workspace);
    expect(result.items.map((item) => item.status)).toEqual(Array(5).fill('unchanged'));
  });

  it('skips the extensions when the UI cannot be checked out', async () => {
    const ext = extension('NodesA');
    const p = profile({ ui: { kind: 'comfyui', ref: 'no-such-tag', repo: ui.url }, extensions: [ext] });
    const error = (await provisionCheckouts(p, workspace).catch(
      (e: unknown) => e,
    )) as ProvisionCheckoutsError;
    expect(error).toBeInstanceOf(ProvisionCheckoutsError);
    expect(error.message).toContain('ui comfyui');
    expect(error.message).toContain('"no-such-tag"');
    expect(error.results.map((item) => item.status)).toEqual(['failed', 'skipped']);
  });

  it('stops when aborted and rejects with the reason', async () => {
    const p = profile({ ui: { kind: 'comfyui', ref: latest, repo: ui.url } });
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await expect(provisionCheckouts(p, workspace, { signal: controller.signal })).rejects.toThrow(
      'shutting down',
    );
  });
});
