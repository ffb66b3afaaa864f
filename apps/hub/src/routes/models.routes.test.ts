import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SINGLE_PUT_MAX_BYTES } from '../services/library/models.service.js';
import { minimalProfile } from '../test-support/agents.js';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { putToUrl } from '../test-support/uploads.js';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(testDatabases())('models API on $engine', ({ open }) => {
  const lookups: string[] = [];
  const t = useOwnerHub(
    open,
    {},
    {
      models: {
        resolveSha256: async (url) => {
          lookups.push(url);
          return url.includes('published') ? 'c'.repeat(64) : null;
        },
      },
    },
  );

  const { owner: call, putProfile } = hubRequests(() => t.hub);
  /** Starts (or resumes) the upload of `data` as the LoRA `name`. */
  const startUpload = (data: Buffer, name: string) =>
    call('POST', '/api/models/uploads', { sha256: sha(data), sizeBytes: data.length, name, kind: 'lora' });
  /** Completes the upload of `data` with the parts a resumed start reported. */
  const complete = (data: Buffer, uploaded: { partNumber: number; etag: string }[]) =>
    call('POST', `/api/models/${sha(data)}/upload/complete`, {
      parts: uploaded.map(({ partNumber, etag }) => ({ partNumber, etag })),
    });

  /** Pushes `data` the way the CLI does: start, PUT each missing part to its presigned URL, complete. */
  async function push(data: Buffer, name: string, skipParts: number[] = []) {
    const start = await startUpload(data, name);
    expect(start.statusCode).toBe(200);
    const plan = start.json();
    if (plan.status === 'exists') return { plan, sent: [] as number[] };
    const have = new Set(plan.uploaded.map((p: { partNumber: number }) => p.partNumber));
    const missing = Array.from({ length: plan.partCount }, (_, i) => i + 1).filter(
      (n) => !have.has(n) && !skipParts.includes(n),
    );
    const urls = (
      await call('POST', `/api/models/${sha(data)}/upload/parts`, { partNumbers: missing })
    ).json().parts;
    for (const { partNumber, url } of urls) {
      await putToUrl(url, data.subarray((partNumber - 1) * plan.partSize, partNumber * plan.partSize));
    }
    return { plan, sent: missing };
  }

  it('pushes a file in parts, then answers `exists` for the same bytes', async () => {
    const data = randomBytes(40 * MiB + 123);
    const { plan } = await push(data, 'style-a');
    expect(plan).toMatchObject({ status: 'upload', partSize: 16 * MiB, partCount: 3, uploaded: [] });
    // Resuming: the hub reports the parts the store already has, with their ETags.
    const again = (await startUpload(data, 'style-a')).json();
    expect(again.uploaded.map((p: { partNumber: number }) => p.partNumber)).toEqual([1, 2, 3]);
    const done = await complete(data, again.uploaded);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({
      status: 'available',
      sizeBytes: data.length,
      storageKey: `models/sha256/${sha(data)}`,
    });
    const stored = await t.hub.storage.get(`models/sha256/${sha(data)}`);
    const chunks: Buffer[] = [];
    for await (const c of stored) chunks.push(c as Buffer);
    expect(sha(Buffer.concat(chunks))).toBe(sha(data));
    const dedupe = await startUpload(data, 'copy');
    expect(dedupe.json()).toMatchObject({ status: 'exists', model: { name: 'style-a' } });
  });

  it('resumes an interrupted push: only the missing parts are sent again', async () => {
    const data = randomBytes(33 * MiB);
    const first = await push(data, 'style-b', [2]);
    expect(first.sent).toEqual([1, 3]);
    const second = await push(data, 'style-b');
    expect(second.sent).toEqual([2]);
  });

  it('refuses to complete with missing parts, naming what was expected', async () => {
    const data = randomBytes(20 * MiB);
    await push(data, 'partial', [2]);
    const resume = (await startUpload(data, 'partial')).json();
    const res = await complete(data, resume.uploaded);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe('parts: expected all 2 parts, got 1');
    const beyond = await call('POST', `/api/models/${sha(data)}/upload/parts`, { partNumbers: [3] });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json().error.message).toBe('partNumbers: part 3 is past the last part (2)');
  });

  it('plans one PUT for a small file when the client can take it, multipart above the cutoff', async () => {
    const data = randomBytes(3 * MiB + 1);
    const body = { sha256: sha(data), sizeBytes: data.length, name: 'single', kind: 'lora', singlePut: true };
    const early = await call('POST', `/api/models/${sha(data)}/upload/complete`, { parts: [] });
    expect(early.statusCode).toBe(404); // no such model yet
    const start = await call('POST', '/api/models/uploads', body);
    expect(start.json()).toMatchObject({ status: 'put', url: expect.any(String) });
    // Completing before the bytes are there fails the push and says so; starting again plans a new PUT.
    const missing = await call('POST', `/api/models/${sha(data)}/upload/complete`, { parts: [] });
    expect(missing.statusCode).toBe(409);
    expect(missing.json().error.message).toBe(
      `the uploaded object has 0 bytes, expected ${data.length}; push again`,
    );
    const again = (await call('POST', '/api/models/uploads', body)).json();
    await putToUrl(again.url, data);
    const parts = await call('POST', `/api/models/${sha(data)}/upload/complete`, {
      parts: [{ partNumber: 1, etag: 'x' }],
    });
    expect(parts.json().error.message).toBe(
      'parts: this push was sent as one PUT; complete it without parts',
    );
    const done = await call('POST', `/api/models/${sha(data)}/upload/complete`, { parts: [] });
    expect(done.json()).toMatchObject({ sha256: sha(data), status: 'available' });
    const big = { ...body, sha256: '9'.repeat(64), sizeBytes: SINGLE_PUT_MAX_BYTES + 1, name: 'big' };
    expect((await call('POST', '/api/models/uploads', big)).json()).toMatchObject({ status: 'upload' });
  });

  it('registers a model by URL, asking the site for its sha256 when not given', async () => {
    const added = await call('POST', '/api/models', {
      url: 'https://hf.example/published/x.safetensors',
      name: 'x',
      kind: 'vae',
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({
      sha256: 'c'.repeat(64),
      status: 'pending',
      fileName: 'x.safetensors',
    });
    expect(
      (
        await call('POST', '/api/models', {
          url: 'https://hf.example/published/x.safetensors',
          name: 'x',
          kind: 'vae',
        })
      ).statusCode,
    ).toBe(200);
    const unknown = await call('POST', '/api/models', {
      url: 'https://hf.example/private/y.bin',
      name: 'y',
      kind: 'vae',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.issues[0].path).toBe('body.sha256');
    const given = await call('POST', '/api/models', {
      url: 'https://hf.example/private/y.bin',
      name: 'y',
      kind: 'text-encoder', // stored by the database's kind check (migration 016)
      sha256: 'd'.repeat(64),
    });
    expect(given.statusCode).toBe(201);
    expect(given.json()).toMatchObject({ kind: 'text-encoder' });
    expect(lookups).toEqual([
      'https://hf.example/published/x.safetensors',
      'https://hf.example/published/x.safetensors',
      'https://hf.example/private/y.bin',
    ]);
  });

  it('rejects bad input naming the field', async () => {
    const res = await call('POST', '/api/models/uploads', {
      sha256: 'XYZ',
      sizeBytes: 0,
      name: '',
      kind: 'lol',
    });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .error.issues.map((i: { path: string }) => i.path)
        .sort(),
    ).toEqual(['body.kind', 'body.name', 'body.sha256', 'body.sizeBytes']);
  });

  it('refuses to delete a model a profile uses, and deletes it once unused', async () => {
    const data = randomBytes(1024);
    const { plan } = await push(data, 'tiny');
    const parts = (await startUpload(data, 'tiny')).json().uploaded;
    expect(plan.partCount).toBe(1);
    await complete(data, parts);
    const yaml = minimalProfile(
      'uses-tiny',
      `models:\n  - name: tiny\n    kind: lora\n    sha256: ${sha(data)}\n    source: { storage: models/sha256/${sha(data)} }\n`,
    );
    const put = await putProfile('uses-tiny', yaml);
    expect(put.statusCode).toBe(201);
    const listed = (await call('GET', '/api/models'))
      .json()
      .models.find((m: { sha256: string }) => m.sha256 === sha(data));
    expect(listed.usedBy).toEqual([{ profile: 'uses-tiny', version: 1 }]);
    const refused = await call('DELETE', `/api/models/${sha(data)}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('uses-tiny@1');
    expect((await call('DELETE', '/api/profiles/uses-tiny')).statusCode).toBe(204);
    expect((await call('DELETE', `/api/models/${sha(data)}`)).statusCode).toBe(204);
    expect(await t.hub.storage.head(`models/sha256/${sha(data)}`)).toBeNull();
    expect((await call('GET', `/api/models/${sha(data)}`)).statusCode).toBe(404);
  });
});
