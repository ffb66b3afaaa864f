import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AGENT_PROTOCOL_VERSION, PODPILOT_VERSION } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import {
  heartbeat,
  localAgent,
  localInstance,
  RUNNING_WEBUI,
  registerAgent,
} from '../test-support/agents.js';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { uploadInParts } from '../test-support/uploads.js';

describe.each(testDatabases())('agent protocol on $engine', ({ open }) => {
  const t = useOwnerHub(open);

  const { stranger, owner, agent, register } = hubRequests(() => t.hub);
  /** An instance launched from a fresh profile, and its bootstrap token. */
  const launch = (name: string, extra = '') => localInstance(t, name, { extra });
  const agentPost = (path: string, token: string | null, payload: object) =>
    agent(token, 'POST', path, payload);
  const beat = (phase: string, acknowledged: object[] = []) =>
    heartbeat({ phase, webui: RUNNING_WEBUI, diskFreeBytes: 1e10, acknowledged });

  it('trades the bootstrap token once for an agent token, and hands over the profile', async () => {
    const { id, bootstrap } = await launch('agent-a');
    const res = await register(bootstrap);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      instanceId: id,
      profile: { name: 'agent-a', version: 1, spec: { ui: { kind: 'comfyui' } } },
    });
    expect(res.json().agentToken).toMatch(/^ppa_/);
    const again = await register(bootstrap);
    expect(again.statusCode).toBe(401);
    expect(again.json().error.message).toBe('bootstrapToken: unknown, expired or already used');
  });

  it('refuses an agent of another protocol version, at registration and in heartbeats, naming both', async () => {
    const { bootstrap } = await launch('agent-protocol');
    const other = AGENT_PROTOCOL_VERSION + 1;
    const refused = await stranger('POST', '/agent/v1/register', {
      bootstrapToken: bootstrap,
      agentVersion: '9.0.0',
      protocolVersion: other,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toBe(
      `body.protocolVersion: the agent (9.0.0) speaks agent protocol ${other}, this hub (${PODPILOT_VERSION}) speaks ${AGENT_PROTOCOL_VERSION}: launch the images of the hub's version (tag <variant>-${PODPILOT_VERSION}) or update the hub`,
    );
    // Refused before anything changed: the bootstrap token still works for an agent of this protocol, and one
    // too old to send the field (version 1) is taken too.
    const token = await registerAgent(t.hub, bootstrap);
    expect((await agentPost('heartbeat', token, beat('ready'))).statusCode).toBe(200);
    const resumed = await agentPost('heartbeat', token, { ...beat('ready'), protocolVersion: other });
    expect(resumed.statusCode).toBe(409);
    expect(resumed.json().error.message).toContain(`speaks agent protocol ${other}`);
  });

  it('requires a valid agent token on every other agent route', async () => {
    for (const path of ['heartbeat', 'events', 'logs']) {
      expect((await agentPost(path, null, {})).statusCode).toBe(401);
      expect((await agentPost(path, 'ppa_forged', {})).statusCode).toBe(401);
      // An owner's session is not an agent token.
      const asOwnerRes = await owner('POST', `/agent/v1/${path}`, {});
      expect(asOwnerRes.statusCode).toBe(401);
    }
  });

  it('stores heartbeat facts, moves the lifecycle, and delivers commands until acknowledged', async () => {
    const { id, token: agentToken } = await localAgent(t, 'agent-b');
    const first = await agentPost('heartbeat', agentToken, beat('provisioning'));
    expect(first.statusCode).toBe(200);
    expect(first.json().commands).toEqual([]);
    const command = await owner('POST', `/api/instances/${id}/commands`, { kind: 'sync-now' });
    expect(command.statusCode).toBe(201);
    const second = (await agentPost('heartbeat', agentToken, beat('ready'))).json();
    expect(second.commands).toEqual([expect.objectContaining({ id: command.json().id, kind: 'sync-now' })]);
    // Not acknowledged yet: delivered again.
    expect((await agentPost('heartbeat', agentToken, beat('ready'))).json().commands).toHaveLength(1);
    const acked = await agentPost(
      'heartbeat',
      agentToken,
      beat('ready', [{ id: command.json().id, ok: true }]),
    );
    expect(acked.json().commands).toEqual([]);
    const detail = (await owner('GET', `/api/instances/${id}`)).json();
    expect(detail).toMatchObject({
      state: 'ready',
      profile: { name: 'agent-b', version: 1 },
      agent: { version: '0.1.0' },
    });
    expect(detail.agent.facts).toMatchObject({ phase: 'ready', webui: { state: 'running', port: 8188 } });
    const transitions = await t.db.query<{ to_state: string }>(
      'select to_state from instance_transitions where instance_id = $1 order by id',
      [id],
    );
    expect(transitions.map((r) => r.to_state)).toEqual(['booting', 'provisioning', 'ready']);
  });

  it('takes events at least once (duplicates ignored) and logs in order', async () => {
    const { id, token: agentToken } = await localAgent(t, 'agent-c');
    const event = {
      id: randomUUID(),
      at: new Date().toISOString(),
      level: 'info',
      kind: 'model.done',
      message: 'sdxl verified',
    };
    expect((await agentPost('events', agentToken, { events: [event] })).json()).toEqual({ accepted: 1 });
    expect((await agentPost('events', agentToken, { events: [event] })).json()).toEqual({ accepted: 0 });
    const events = (await owner('GET', `/api/instances/${id}/events`)).json().events;
    expect(events).toEqual([
      expect.objectContaining({ source: 'agent', kind: 'model.done', message: 'sdxl verified' }),
    ]);
    const at = new Date().toISOString();
    await agentPost('logs', agentToken, {
      lines: [
        { at, stream: 'webui', line: 'one' },
        { at, stream: 'webui', line: 'two' },
      ],
    });
    const logs = (await owner('GET', `/api/instances/${id}/logs`)).json().lines;
    expect(logs.map((l: { line: string }) => l.line)).toEqual(['one', 'two']);
    const after = (await owner('GET', `/api/instances/${id}/logs?after=${logs[0].id}`)).json().lines;
    expect(after.map((l: { line: string }) => l.line)).toEqual(['two']);
  });

  it('rejects a malformed heartbeat naming the field', async () => {
    const { token: agentToken } = await localAgent(t, 'agent-d');
    const res = await agentPost('heartbeat', agentToken, { ...beat('dancing') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues[0].path).toBe('body.phase');
  });

  it('answers 404 for an unknown instance and 400 for a bad command', async () => {
    expect((await owner('GET', `/api/instances/${randomUUID()}`)).statusCode).toBe(404);
    const { id } = await launch('agent-e');
    const bad = await owner('POST', `/api/instances/${id}/commands`, { kind: 'explode' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0]).toMatchObject({
      path: 'body.kind',
      message: 'expected one of sync-now, snapshot, stop-webui, shutdown',
    });
  });

  it('gives a resumed agent its profile, and download URLs only for its own models', async () => {
    const { token: agentToken } = await localAgent(t, 'agent-f');
    const profile = await agent(agentToken, 'GET', 'profile');
    expect(profile.json().profile).toMatchObject({ name: 'agent-f', version: 1 });
    const outside = await agentPost('models/urls', agentToken, { sha256s: ['e'.repeat(64)] });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.message).toContain('is not a model of this instance');
  });

  it('takes a model the agent fetched from its URL into the library, for its own profile only', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const { token: agentToken } = await localAgent(t, 'agent-p', {
      extra: `models:\n  - { name: tiny, kind: lora, sha256: ${sha256}, source: { url: "https://example.com/tiny.safetensors" } }\n`,
    });
    const unlisted = await agentPost(`models/${'e'.repeat(64)}/promotion`, agentToken, { sizeBytes: 10 });
    expect(unlisted.statusCode).toBe(403);
    expect(unlisted.json().error.message).toContain("is neither a model of this instance's profile");
    const bad = await agentPost(`models/${sha256}/promotion`, agentToken, { sizeBytes: 0 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('sizeBytes');

    const start = await agentPost(`models/${sha256}/promotion`, agentToken, { sizeBytes: bytes.length });
    expect(start.statusCode).toBe(200);
    const plan = start.json();
    expect(plan.status).toBe('upload');
    const { parts } = await uploadInParts(
      bytes,
      plan,
      async (partNumbers) =>
        (await agentPost(`models/${sha256}/promotion/parts`, agentToken, { partNumbers })).json().parts,
    );
    const done = await agentPost(`models/${sha256}/promotion/complete`, agentToken, { parts });
    expect(done.statusCode).toBe(200);
    // The agent learns that the bytes are in; nothing of the library entry (names, usage).
    expect(done.json()).toEqual({ sha256, status: 'available' });
    const library = (await owner('GET', '/api/models')).json().models;
    expect(library).toContainEqual(expect.objectContaining({ sha256, name: 'tiny', kind: 'lora' }));
    // The next instance of the profile downloads it from storage, byte for byte.
    const urls = (await agentPost('models/urls', agentToken, { sha256s: [sha256] })).json().urls;
    const stored = Buffer.from(await (await stranger('GET', urls[sha256])).rawPayload);
    expect(stored.equals(bytes)).toBe(true);
    const again = await agentPost(`models/${sha256}/promotion`, agentToken, { sizeBytes: bytes.length });
    expect(again.json()).toEqual({ status: 'exists' });
  });
});
