import { describe, expect, it } from 'vitest';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { insertInstance, latestProfileVersion } from '../test-support/costs.js';
import { testDatabases } from '../test-support/databases.js';

const COMMIT = 'a'.repeat(40);
const SHA = 'b'.repeat(64);

const profileYaml = (extra = '') => `name: portraits
ui: { kind: comfyui, ref: ${COMMIT} }
models:
  - name: base
    kind: checkpoint
    sha256: ${SHA}
    source: { url: "https://huggingface.co/org/repo/resolve/main/base.safetensors" }
${extra}`;

describe.each(testDatabases())('profiles API on $engine', ({ open }) => {
  const t = useOwnerHub(open);

  const { owner, putProfile: put } = hubRequests(() => t.hub);
  const get = async (url: string) => {
    const res = await owner('GET', url);
    if (res.statusCode === 500) console.error(url, res.body);
    return res;
  };

  it('creates version 1 from YAML, then no new version for the same content', async () => {
    const first = await put('portraits', profileYaml());
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ name: 'portraits', version: 1, created: true });
    // Same content, written differently (key order, flow vs block style): still version 1.
    const again = await put(
      'portraits',
      `ui:\n  ref: ${COMMIT}\n  kind: comfyui\nname: portraits\nmodels: [{name: base, kind: checkpoint, sha256: ${SHA}, source: {url: "https://huggingface.co/org/repo/resolve/main/base.safetensors"}}]\n`,
    );
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ version: 1, created: false });
  });

  it('accepts the YAML inside JSON too', async () => {
    const res = await owner('PUT', '/api/profiles/portraits', { yaml: profileYaml() });
    expect(res.json()).toMatchObject({ version: 1, created: false });
  });

  it('makes version 2 when the content changes, and diffs the two', async () => {
    const res = await put('portraits', profileYaml('args: ["--lowvram"]\n'));
    expect(res.json()).toMatchObject({ version: 2, created: true });
    const diff = await get('/api/profiles/portraits/diff?from=1&to=2');
    expect(diff.statusCode).toBe(200);
    expect(diff.json().changes).toEqual([expect.objectContaining({ section: 'args', change: 'changed' })]);
    expect(diff.json().unified).toContain('--- portraits@1');
    expect(diff.json().unified).toContain('+++ portraits@2');
    expect(diff.json().unified).toMatch(/\n\+.*--lowvram/);
  });

  it('shows any version, lists versions and profiles, and exports YAML byte-stable', async () => {
    const latest = await get('/api/profiles/portraits');
    expect(latest.json()).toMatchObject({ name: 'portraits', version: 2, latestVersion: 2, origin: 'user' });
    expect(latest.json().spec.ui).toEqual({ kind: 'comfyui', ref: COMMIT });
    const v1 = await get('/api/profiles/portraits?version=1');
    expect(v1.json().version).toBe(1);
    const yaml = await get('/api/profiles/portraits/yaml?version=1');
    expect(yaml.headers['content-type']).toContain('application/yaml');
    expect(yaml.body).toBe(v1.json().yaml);
    // Re-applying the exported latest YAML changes nothing.
    const exported = await get('/api/profiles/portraits/yaml');
    expect((await put('portraits', exported.body)).json()).toMatchObject({ created: false, version: 2 });
    const versions = await get('/api/profiles/portraits/versions');
    expect(versions.json().versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const list = await get('/api/profiles');
    expect(list.json().profiles).toEqual([
      expect.objectContaining({ name: 'portraits', uiKind: 'comfyui', latestVersion: expect.any(Number) }),
    ]);
  });

  it('rejects invalid YAML with the path and line of each problem, and stores nothing', async () => {
    const res = await put(
      'broken',
      `name: broken\nui: { kind: comfyui, ref: ${COMMIT} }\nextensions:\n  - url: https://github.com/a/b\n    ref: main\n`,
    );
    expect(res.statusCode).toBe(400);
    const issue = res.json().error.issues.find((i: { path: string }) => i.path === 'extensions[0].ref');
    expect(issue).toMatchObject({ line: 5 });
    expect(issue.message).toContain('expected a 40-hex commit');
    expect((await get('/api/profiles/broken')).statusCode).toBe(404);
  });

  it('refuses a name that differs from the URL, naming the field', async () => {
    const res = await put('other-name', profileYaml());
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues[0]).toMatchObject({
      path: 'name',
      message: 'expected "other-name" (the name in the URL), got "portraits"',
    });
  });

  it('answers 404 for a missing profile or version, 400 for a bad version', async () => {
    expect((await get('/api/profiles/nope')).statusCode).toBe(404);
    expect((await get('/api/profiles/portraits?version=99')).statusCode).toBe(404);
    const bad = await get('/api/profiles/portraits?version=x');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0]).toMatchObject({
      path: 'querystring.version',
      message: 'expected a version number (1, 2, …)',
    });
  });

  it('refuses to delete a profile while an instance uses it, then deletes it', async () => {
    await put('in-use', profileYaml().replace('name: portraits', 'name: in-use'));
    await insertInstance(t.db, {
      name: 'gpu-1',
      provider: 'local',
      state: 'ready',
      profileVersionId: await latestProfileVersion(t.db, 'in-use'),
      transitions: [],
    });
    const refused = await owner('DELETE', '/api/profiles/in-use');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('gpu-1');
    await t.db.query(`update instances set state = 'destroyed' where name = 'gpu-1'`);
    const deleted = await owner('DELETE', '/api/profiles/in-use');
    expect(deleted.statusCode).toBe(204);
    expect((await get('/api/profiles/in-use')).statusCode).toBe(404);
    // The name is free again, starting over at version 1.
    expect(
      (await put('in-use', profileYaml().replace('name: portraits', 'name: in-use'))).json().version,
    ).toBe(1);
  });
});
