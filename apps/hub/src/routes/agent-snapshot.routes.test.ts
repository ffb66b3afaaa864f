import { createHash, randomBytes } from 'node:crypto';
import { modelStorageKey } from '@podpilot/common';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelsRepository } from '../repositories/models.repository.js';
import { hubRequests } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { type LaunchedAgent, launchAndRegister, useLifecycleHub } from '../test-support/lifecycle.js';
import { uploadInParts } from '../test-support/uploads.js';

const COMMIT = 'a1'.repeat(20);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * A hostile agent's snapshot naming a model of another profile: it learns nothing of the library, and the
 * version it makes gets that model only if the agent uploads bytes that hash to it.
 */
describe.each(testDatabases())('snapshot models of other profiles ($engine)', ({ open }) => {
  const t = useLifecycleHub(open);
  const { owner, agent: request, putProfile, ok } = hubRequests(() => t.hub);
  const agent = (token: string, path: string, payload: unknown) => request(token, 'POST', path, payload);
  // Profile alpha's private model, which the library holds.
  const secret = randomBytes(6 * 1024 * 1024 + 3);
  const secretSha = sha(secret);
  const unknownSha = 'e'.repeat(64);
  let B: LaunchedAgent;

  beforeAll(async () => {
    await t.hub.storage.put(modelStorageKey(secretSha), secret);
    await new ModelsRepository(t.db).insert({
      sha256: secretSha,
      name: 'alpha-private',
      kind: 'lora',
      sizeBytes: secret.length,
      fileName: 'alpha.safetensors',
      status: 'available',
      storageKey: modelStorageKey(secretSha),
      sourceUrl: null,
    });
    const alpha = `name: alpha\nui: {kind: comfyui, ref: ${COMMIT}}\nmodels:\n  - {name: p, kind: lora, sha256: ${secretSha}, source: {storage: ${modelStorageKey(secretSha)}}}\n`;
    ok(await putProfile('alpha', alpha), 'alpha');
    B = await launchAndRegister(t, 'tiny', '100000', 'claimant-b');
  });

  /** B's snapshot into profile `as`, claiming a model with this sha256 at the size of the secret. */
  async function claim(as: string, sha256: string) {
    const requested = ok(await owner('POST', `/api/instances/${B.id}/snapshot`, { as }), 'request');
    const commandId = requested.json().commandId as string;
    const report = {
      commandId,
      takenAt: new Date().toISOString(),
      ui: { path: '', remote: null, commit: COMMIT, dirtyFiles: [] },
      extensions: [],
      models: [{ path: 'models/loras/claimed.safetensors', sha256, sizeBytes: secret.length }],
      files: [],
      warnings: [],
    };
    const answer = ok(await agent(B.token, 'snapshot', report), 'snapshot').json();
    const start = ok(
      await agent(B.token, `models/${sha256}/promotion`, { sizeBytes: secret.length }),
      'start',
    );
    return { answer, start: start.json() };
  }
  /** The URLs an instance launched from `profile` gets for the claimed model. */
  async function urlsFrom(profile: string, offer: string) {
    const C = await launchAndRegister(t, profile, offer, `from-${profile}-${offer}`);
    return async () => ok(await agent(C.token, 'models/urls', { sha256s: [secretSha] }), 'urls').json().urls;
  }
  /** B uploads `bytes` for the claimed secret model; the answer of the completion. */
  async function upload(bytes: Buffer) {
    const plan = ok(
      await agent(B.token, `models/${secretSha}/promotion`, { sizeBytes: secret.length }),
      'start',
    );
    const { parts } = await uploadInParts(
      bytes,
      plan.json(),
      async (partNumbers) =>
        ok(await agent(B.token, `models/${secretSha}/promotion/parts`, { partNumbers }), 'parts').json()
          .parts,
    );
    return agent(B.token, `models/${secretSha}/promotion/complete`, { parts });
  }

  it('answers a claim of a model the library holds exactly as one of an unknown sha256', async () => {
    const held = await claim('claims-held', secretSha);
    const unknown = await claim('claims-unknown', unknownSha);
    const blind = (value: unknown) =>
      JSON.parse(JSON.stringify(value).replaceAll(secretSha, '<sha>').replaceAll(unknownSha, '<sha>'));
    expect(blind({ ...held.answer, profile: '' })).toEqual(blind({ ...unknown.answer, profile: '' }));
    expect(held.answer.uploads).toEqual([
      { path: 'models/loras/claimed.safetensors', sha256: secretSha, sizeBytes: secret.length },
    ]);
    expect(held.start).toEqual(unknown.start);
    expect(held.start.status).toBe('upload');
  });

  it("gives the version another profile's model only once the agent uploaded bytes hashing to it", async () => {
    const urls = await urlsFrom('claims-held', '100001');
    expect(await urls()).toEqual({});

    const wrong = await upload(randomBytes(secret.length));
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().error.message).toContain('sha256');
    expect(await urls()).toEqual({});

    const right = await upload(secret);
    expect(right.statusCode, right.body).toBe(200);
    const got = await fetch((await urls())[secretSha]);
    expect(sha(Buffer.from(await got.arrayBuffer()))).toBe(secretSha);
    // Deduplicated: the library keeps its one copy, the upload is gone.
    expect((await t.hub.storage.list(`staging/models/${B.id}/`)).keys).toEqual([]);
  });
});
