import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { heartbeat, RUNNING_WEBUI } from '../../test-support/agents.js';
import { hubRequests } from '../../test-support/app.js';
import { testDatabases } from '../../test-support/databases.js';
import { launchAndRegister, type RegisteredAgent, useLifecycleHub } from '../../test-support/lifecycle.js';
import { uploadInParts } from '../../test-support/uploads.js';

const C1 = 'a1'.repeat(20);
const C2 = 'b2'.repeat(20);
const C3 = 'c3'.repeat(20);
const SHA_BASE = 'b'.repeat(64);
const SHA_NEW = 'c'.repeat(64);
const SHA_FILE = 'd'.repeat(64);
const SETTINGS = 'user/default/comfy.settings.json';

const PROFILE = [
  'name: snap',
  `ui: { kind: comfyui, ref: ${C1} }`,
  'extensions:',
  `  - { url: "https://github.com/a/ComfyUI-Bar", ref: ${C1} }`,
  'models:',
  `  - { name: base, kind: checkpoint, sha256: ${SHA_BASE}, source: { url: "https://example.com/base.safetensors" } }`,
  'files:',
  `  - { path: ${SETTINGS}, content: '{"a": 1}' }`,
  '',
].join('\n');

type Agent = RegisteredAgent;

describe.each(testDatabases())('snapshots ($engine)', ({ open }) => {
  const t = useLifecycleHub(open);
  let A: Agent;
  let B: Agent;

  const { owner, agent: agentRequest, putProfile, ok } = hubRequests(() => t.hub);
  const agent = (token: string, path: string, payload: unknown) => agentRequest(token, 'POST', path, payload);
  const launch = (profile: string, offerId: string): Promise<Agent> =>
    launchAndRegister(t, profile, offerId, `snap-${profile}-${offerId}`);

  async function requestSnapshot(id: string, body: object = {}): Promise<string> {
    const res = await owner('POST', `/api/instances/${id}/snapshot`, body);
    expect(res.statusCode, res.body).toBe(202);
    return res.json().commandId as string;
  }

  const report = (commandId: string) => ({
    commandId,
    takenAt: new Date().toISOString(),
    ui: { path: '', remote: 'https://github.com/comfyanonymous/ComfyUI.git', commit: C1, dirtyFiles: [] },
    extensions: [
      // Moved to another commit.
      {
        path: 'custom_nodes/ComfyUI-Bar',
        remote: 'https://github.com/a/ComfyUI-Bar',
        commit: C2,
        dirtyFiles: [],
      },
      // Added.
      {
        path: 'custom_nodes/ComfyUI-Foo',
        remote: 'https://github.com/b/ComfyUI-Foo.git',
        commit: C3,
        dirtyFiles: [],
      },
    ],
    models: [
      { path: 'models/checkpoints/base.safetensors', sha256: SHA_BASE, sizeBytes: 10 },
      { path: 'models/loras/x.safetensors', sha256: SHA_NEW, sizeBytes: 20 },
    ],
    files: [{ path: SETTINGS, sha256: SHA_FILE, sizeBytes: 8, content: '{"a": 2}' }],
    warnings: ['custom_nodes/ComfyUI-Foo has local changes'],
  });

  beforeAll(async () => {
    ok(await putProfile('snap', PROFILE), 'profile');
    A = await launch('snap', '100000');
    B = await launch('tiny', '100001');
  });

  it('stores a report as a new snapshot version listing exactly what changed', async () => {
    const none = await owner('GET', `/api/instances/${A.id}/snapshots/latest`);
    expect(none.statusCode).toBe(404);
    // The list answers 200 while there is nothing yet (a page waiting for the agent polls it).
    const empty = await owner('GET', `/api/instances/${A.id}/snapshots`);
    expect(empty.statusCode, empty.body).toBe(200);
    expect(empty.json()).toEqual({ snapshots: [] });

    const commandId = await requestSnapshot(A.id);
    const beat = await agent(
      A.token,
      'heartbeat',
      heartbeat({ webui: RUNNING_WEBUI, diskFreeBytes: 1e10, acknowledged: [] }),
    );
    expect(beat.json().commands).toEqual([
      expect.objectContaining({ id: commandId, kind: 'snapshot', args: {} }),
    ]);

    const res = await agent(A.token, 'snapshot', report(commandId));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      profile: 'snap',
      version: 2,
      created: true,
      changes: [
        `extension ComfyUI-Bar moved ${C1.slice(0, 12)}→${C2.slice(0, 12)}`,
        `extension ComfyUI-Foo added at ${C3.slice(0, 12)} (https://github.com/b/ComfyUI-Foo.git)`,
        'model x.safetensors added',
        `file ${SETTINGS} changed`,
      ],
      warnings: ['custom_nodes/ComfyUI-Foo has local changes'],
      // Not in the library: the agent is to upload it.
      uploads: [{ path: 'models/loras/x.safetensors', sha256: SHA_NEW, sizeBytes: 20 }],
    });

    const versions = ok(await owner('GET', '/api/profiles/snap/versions'), 'versions').json().versions;
    expect(versions.at(-1)).toMatchObject({ version: 2, origin: 'snapshot', snapshotOfInstanceId: A.id });
    const spec = ok(await owner('GET', '/api/profiles/snap?version=2'), 'version').json().spec;
    expect(spec.ui).toEqual({ kind: 'comfyui', ref: C1 });
    expect(spec.extensions).toEqual([
      { url: 'https://github.com/a/ComfyUI-Bar', ref: C2, name: 'ComfyUI-Bar' },
      { url: 'https://github.com/b/ComfyUI-Foo.git', ref: C3, name: 'ComfyUI-Foo' },
    ]);
    expect(spec.models).toEqual([
      {
        name: 'base',
        kind: 'checkpoint',
        sha256: SHA_BASE,
        source: { url: 'https://example.com/base.safetensors' },
        file: 'base.safetensors',
      },
      {
        name: 'x',
        kind: 'lora',
        sha256: SHA_NEW,
        source: { storage: `models/sha256/${SHA_NEW}` },
        file: 'x.safetensors',
      },
    ]);
    expect(spec.files).toEqual([{ path: SETTINGS, content: '{"a": 2}' }]);

    const latest = ok(await owner('GET', `/api/instances/${A.id}/snapshots/latest`), 'latest').json();
    expect(latest).toMatchObject({ profile: 'snap', version: 2, created: true, commandId });
    // The agent has not finished the command: the upload is still expected.
    expect(latest.uploads).toEqual([
      { path: 'models/loras/x.safetensors', sha256: SHA_NEW, sizeBytes: 20, status: 'pending' },
    ]);
    expect(latest.complete).toBe(false);
    const ofCommand = await owner('GET', `/api/instances/${A.id}/snapshots/latest?commandId=${commandId}`);
    expect(ofCommand.json().commandId).toBe(commandId);
    const listed = ok(await owner('GET', `/api/instances/${A.id}/snapshots?commandId=${commandId}`), 'list');
    expect(listed.json().snapshots).toEqual([latest]);
    const badLimit = await owner('GET', `/api/instances/${A.id}/snapshots?limit=0`);
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json().error.issues[0].path).toBe('querystring.limit');

    // The same report again for the same command: the first result, nothing stored twice.
    const again = await agent(A.token, 'snapshot', report(commandId));
    expect(again.json()).toEqual(res.json());
  });

  it('lets the agent upload the models its snapshot found, and only those, then reports them available', async () => {
    const bytes = randomBytes(2 * 1024 * 1024 + 5);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const commandId = await requestSnapshot(A.id, { as: 'snap-upload' });
    const withModel = report(commandId);
    withModel.models.push({ path: 'models/vae/found.safetensors', sha256, sizeBytes: bytes.length });
    const stored = ok(await agent(A.token, 'snapshot', withModel), 'snapshot').json();
    expect(stored.uploads).toContainEqual({
      path: 'models/vae/found.safetensors',
      sha256,
      sizeBytes: bytes.length,
    });

    // Another agent, another size, another sha256: refused alike, whatever the library holds.
    const foreign = await agent(B.token, `models/${sha256}/promotion`, { sizeBytes: bytes.length });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.message).toContain('sha256');
    const wrongSize = await agent(A.token, `models/${sha256}/promotion`, { sizeBytes: bytes.length + 1 });
    expect(wrongSize.statusCode).toBe(400);
    expect(wrongSize.json().error.message).toContain('sizeBytes');
    const other = await agent(A.token, `models/${'e'.repeat(64)}/promotion`, { sizeBytes: 10 });
    expect(other.statusCode).toBe(403);

    const plan = ok(
      await agent(A.token, `models/${sha256}/promotion`, { sizeBytes: bytes.length }),
      'start',
    ).json();
    expect(plan.status).toBe('upload');
    const { parts } = await uploadInParts(
      bytes,
      plan,
      async (partNumbers) =>
        ok(await agent(A.token, `models/${sha256}/promotion/parts`, { partNumbers }), 'parts').json().parts,
    );
    const done = ok(await agent(A.token, `models/${sha256}/promotion/complete`, { parts }), 'complete');
    expect(done.json()).toEqual({ sha256, status: 'available' });

    // The library holds it under the snapshot's name and kind; the stored version fetches it from storage.
    const library = ok(await owner('GET', '/api/models'), 'models').json().models;
    expect(library).toContainEqual(
      expect.objectContaining({ sha256, name: 'found', kind: 'vae', status: 'available' }),
    );
    const latest = ok(
      await owner('GET', `/api/instances/${A.id}/snapshots/latest?commandId=${commandId}`),
      'latest',
    ).json();
    expect(latest.uploads).toContainEqual(expect.objectContaining({ sha256, status: 'available' }));
    // SHA_NEW was never uploaded: once the agent acknowledges the command, it is given up.
    ok(
      await agent(
        A.token,
        'heartbeat',
        heartbeat({
          diskFreeBytes: 1e10,
          acknowledged: [{ id: commandId, ok: false, message: 'x.safetensors: it is gone' }],
        }),
      ),
      'ack',
    );
    const after = ok(
      await owner('GET', `/api/instances/${A.id}/snapshots/latest?commandId=${commandId}`),
      'latest',
    ).json();
    expect(after.uploads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sha256, status: 'available' }),
        expect.objectContaining({ sha256: SHA_NEW, status: 'failed' }),
      ]),
    );
    expect(after).toMatchObject({ complete: true, agentMessage: 'x.safetensors: it is gone' });
  });

  it('keeps saved workflows and changed stored files in storage, and stored files that did not change as they were', async () => {
    await t.hub.storage.put('files/cfg/extra.json', Buffer.from('{"x": 1}'));
    await t.hub.storage.put('files/cfg/other.json', Buffer.from('{"y": 1}'));
    ok(
      await putProfile(
        'stored',
        [
          'name: stored',
          `ui: { kind: comfyui, ref: ${C1} }`,
          'files:',
          '  - { path: user/default/extra.json, storage: files/cfg/extra.json }',
          '  - { path: user/default/other.json, storage: files/cfg/other.json }',
          '',
        ].join('\n'),
      ),
      'profile',
    );
    const C = await launch('stored', '100002');
    const commandId = await requestSnapshot(C.id);
    const file = (path: string, content: string) => ({
      path,
      sha256: createHash('sha256').update(content).digest('hex'),
      sizeBytes: Buffer.byteLength(content),
      content,
    });
    const workflow = '{"nodes": [{"id": 1}]}';
    const res = ok(
      await agent(C.token, 'snapshot', {
        ...report(commandId),
        ui: { path: '', remote: null, commit: C1, dirtyFiles: [] },
        extensions: [],
        models: [],
        files: [
          file('user/default/extra.json', '{"x": 1}'),
          file('user/default/other.json', '{"y": 2}'),
          file('user/default/workflows/portrait.json', workflow),
        ],
        warnings: [],
      }),
      'snapshot',
    ).json();
    expect(res.changes).toEqual([
      'file user/default/other.json changed',
      'file user/default/workflows/portrait.json added',
    ]);
    const spec = ok(await owner('GET', `/api/profiles/stored?version=${res.version}`), 'version').json().spec;
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(spec.files).toEqual([
      { path: 'user/default/extra.json', storage: 'files/cfg/extra.json' },
      { path: 'user/default/other.json', storage: `snapshot-files/sha256/${sha('{"y": 2}')}` },
      { path: 'user/default/workflows/portrait.json', storage: `snapshot-files/sha256/${sha(workflow)}` },
    ]);
    const stored = await t.hub.storage.get(`snapshot-files/sha256/${sha(workflow)}`);
    const chunks: Buffer[] = [];
    for await (const chunk of stored) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe(workflow);
  });

  it('stores nothing new for an identical report', async () => {
    const commandId = await requestSnapshot(A.id);
    const res = await agent(A.token, 'snapshot', report(commandId));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ profile: 'snap', version: 2, created: false });
    const versions = ok(await owner('GET', '/api/profiles/snap/versions'), 'versions').json().versions;
    expect(versions).toHaveLength(2);
  });

  it('answers a report sent twice at once (a retry racing the first) with one stored result', async () => {
    const commandId = await requestSnapshot(A.id, { as: 'snap-race' });
    const [one, two] = await Promise.all([
      agent(A.token, 'snapshot', report(commandId)),
      agent(A.token, 'snapshot', report(commandId)),
    ]);
    expect([one.statusCode, two.statusCode], `${one.body}\n${two.body}`).toEqual([200, 200]);
    expect(two.json()).toEqual(one.json());
    const versions = ok(await owner('GET', '/api/profiles/snap-race/versions'), 'versions').json().versions;
    expect(versions).toHaveLength(1);
  });

  it('stores into another profile with --as', async () => {
    const commandId = await requestSnapshot(A.id, { as: 'snap-copy' });
    const res = await agent(A.token, 'snapshot', report(commandId));
    expect(res.json()).toMatchObject({ profile: 'snap-copy', version: 1, created: true });
  });

  it("refuses another agent's command and commands that are no snapshot", async () => {
    const commandId = await requestSnapshot(A.id);
    const foreign = await agent(B.token, 'snapshot', report(commandId));
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.message).toContain('commandId');

    const syncNow = await t.hub.services.instances.command(A.id, 'sync-now', null);
    const wrongKind = await agent(A.token, 'snapshot', report(syncNow));
    expect(wrongKind.statusCode).toBe(403);
  });

  it('answers 400 naming the field of a bad report', async () => {
    const commandId = await requestSnapshot(A.id);
    const bad = report(commandId);
    (bad.models[1] as { sha256: string }).sha256 = 'not-a-sha';
    const res = await agent(A.token, 'snapshot', bad);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('models');
    expect(res.body).toContain('sha256');
  });

  it('refuses a snapshot of an instance that is not running (409) or unknown (404)', async () => {
    await t.db.query(`update instances set state = 'stopped' where id = $1`, [B.id]);
    const res = await owner('POST', `/api/instances/${B.id}/snapshot`, {});
    expect(res.statusCode).toBe(409);
    const unknown = await owner('POST', `/api/instances/${crypto.randomUUID()}/snapshot`, {});
    expect(unknown.statusCode).toBe(404);
  });
});
