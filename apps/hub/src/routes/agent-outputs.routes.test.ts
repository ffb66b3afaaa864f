import { createHash, randomBytes } from 'node:crypto';
import type { OutputUploadPlan } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { localAgent } from '../test-support/agents.js';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { describeOutput, putToUrl, syncOutputs, uploadInParts } from '../test-support/uploads.js';

const MiB = 1024 * 1024;
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** What a hostile (or broken) agent can do with its upload URLs and names, and what the index keeps. */
describe.each(testDatabases())('pinned output uploads on $engine', ({ open }) => {
  const t = useOwnerHub(
    open,
    {},
    { outputs: { multipartThresholdBytes: 8 * MiB, preferredPartSize: 5 * MiB } },
  );
  const { stranger, owner, agent } = hubRequests(() => t.hub);
  const agentPost = (token: string, path: string, payload: object) => agent(token, 'POST', path, payload);
  const download = async (id: string) => {
    const urls = (await owner('GET', `/api/outputs/${id}/urls`)).json();
    const res = await stranger('GET', urls.url);
    return { status: res.statusCode, headers: res.headers, body: Buffer.from(res.rawPayload) };
  };
  const presign = async (token: string, path: string, bytes: Buffer) => {
    const answer = await agentPost(token, 'outputs/presign', { files: [describeOutput(path, bytes)] });
    return answer.json().files[0] as Extract<OutputUploadPlan, { status: 'put' }>;
  };

  it('keeps a confirmed file as verified: a PUT through its old upload URL changes nothing indexed', async () => {
    const { token } = await localAgent(t, 'pin-a', { profile: 'pin-a' });
    const good = Buffer.from('the picture the hub verified');
    const plan = await presign(token, 'output/pinned.png', good);
    await putToUrl(plan.url, good);
    const confirmed = await agentPost(token, 'outputs/confirm', {
      files: [{ ...describeOutput(plan.path, good), key: plan.key, version: 1 }],
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const [row] = confirmed.json().confirmed;

    // The URL is still alive (an hour): it reaches only the staging key, never the indexed object.
    const evil = Buffer.from('replaced after the confirm!!');
    expect(evil.length).toBe(good.length);
    await putToUrl(plan.url, evil);
    const got = await download(row.id);
    expect(sha(got.body)).toBe(sha(good));
    expect((await owner('GET', `/api/outputs/${row.id}`)).json().sha256).toBe(sha(good));
  });

  it('refuses a confirm whose bytes do not match the sha256, deletes them, and takes the right ones after', async () => {
    const { id, token } = await localAgent(t, 'pin-b', { profile: 'pin-b' });
    const good = Buffer.from('what the agent announced');
    const plan = await presign(token, 'output/swapped.txt', good);
    const swapped = Buffer.from('what the agent sent: oops');
    await putToUrl(plan.url, swapped.subarray(0, good.length));
    const body = { files: [{ ...describeOutput(plan.path, good), key: plan.key, version: 1 }] };
    const refused = await agentPost(token, 'outputs/confirm', body);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/^files\[0\]\.sha256: output\/swapped\.txt \(version 1\)/);
    expect(await t.hub.storage.head(`outputs/${id}/output/swapped.txt`)).toBeNull();
    expect(await t.db.query('select 1 from outputs where instance_id = $1', [id])).toEqual([]);

    // Presigned again: the same version and upload key; the right bytes are indexed.
    const again = await presign(token, 'output/swapped.txt', good);
    expect(again).toMatchObject({ version: 1, key: plan.key });
    await putToUrl(again.url, good);
    expect((await agentPost(token, 'outputs/confirm', body)).statusCode).toBe(200);
  });

  it('signs the size into the upload URL: other bytes are refused by the store, and the confirm finds nothing', async () => {
    const { id, token } = await localAgent(t, 'pin-s', { profile: 'pin-s' });
    const good = Buffer.from('what the agent announced');
    const plan = await presign(token, 'output/short.txt', good);
    const put = await fetch(plan.url, { method: 'PUT', body: good.subarray(0, 5) });
    await put.arrayBuffer();
    expect(put.status).toBe(403);
    const body = { files: [{ ...describeOutput(plan.path, good), key: plan.key, version: 1 }] };
    const refused = await agentPost(token, 'outputs/confirm', body);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(
      /^files\[0\]\.key: output\/short\.txt \(version 1\) is not in storage/,
    );
    expect(await t.hub.storage.head(`outputs/${id}/output/short.txt`)).toBeNull();
    await putToUrl(plan.url, good);
    expect((await agentPost(token, 'outputs/confirm', body)).statusCode).toBe(200);
  });

  it('verifies multipart uploads too: parts that do not add up to the sha256 are refused', async () => {
    const { token } = await localAgent(t, 'pin-c', { profile: 'pin-c' });
    const announced = randomBytes(9 * MiB);
    const file = describeOutput('output/clip.mp4', announced);
    const plan = (await agentPost(token, 'outputs/presign', { files: [file] })).json().files[0];
    expect(plan.status).toBe('multipart');
    const sent = randomBytes(announced.length);
    const { parts } = await uploadInParts(
      sent,
      { partSize: plan.partSize, partCount: plan.partCount, uploaded: [] },
      async (partNumbers) =>
        (
          await agentPost(token, 'outputs/parts', { key: plan.key, uploadId: plan.uploadId, partNumbers })
        ).json().parts,
    );
    const refused = await agentPost(token, 'outputs/confirm', {
      files: [{ ...file, key: plan.key, version: 1, uploadId: plan.uploadId, parts }],
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('sha256');
  });

  it('serves every output with the type of its extension as an attachment, whatever the agent sent', async () => {
    const { token } = await localAgent(t, 'pin-d', { profile: 'pin-d' });
    const html = Buffer.from('<script>fetch("/api/tokens")</script>');
    const cases = [
      ['output/evil.html', 'application/octet-stream'],
      ['output/evil.svg', 'application/octet-stream'],
      ['output/fine.png', 'image/png'],
      ['output/notes.txt', 'text/plain; charset=utf-8'],
    ] as const;
    for (const [path, type] of cases) {
      const plan = await presign(token, path, html);
      const put = await fetch(plan.url, {
        method: 'PUT',
        body: html,
        headers: { 'content-type': 'text/html' },
      });
      expect(put.status).toBe(200);
      const confirmed = await agentPost(token, 'outputs/confirm', {
        files: [{ ...describeOutput(path, html), key: plan.key, version: 1 }],
      });
      const got = await download(confirmed.json().confirmed[0].id);
      expect(got.headers['content-type'], path).toBe(type);
      expect(got.headers['content-disposition']).toMatch(/^attachment; /);
      expect(got.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('stores names a store cannot hold or that mislead under escaped keys, listed by their own names', async () => {
    const { id, token } = await localAgent(t, 'pin-e', { profile: 'pin-e' });
    const long = `${'é'.repeat(140)}.png`; // 284 bytes: over the 255 a file name may have
    const files = [
      'output/.git/config',
      'output/sub/.GIT/hooks/post-checkout',
      'output/invoice\u202egnp.exe',
      'output/zero\u200bwidth.png',
      `output/${long}`,
      'output/~plain.txt',
    ].map((path, i) => ({ path, bytes: Buffer.from(`file ${i}`) }));
    const { confirmed } = await syncOutputs(t.hub, token, files);
    expect(confirmed.map((c) => c.path)).toEqual(files.map((f) => f.path));

    const rows = await t.db.query<{ path: string; storageKey: string }>(
      'select path, storage_key as "storageKey" from outputs where instance_id = $1 order by path',
      [id],
    );
    expect(rows.map((r) => r.path).sort()).toEqual(files.map((f) => f.path).sort());
    for (const { storageKey } of rows)
      for (const segment of storageKey.split('/')) {
        expect(segment.toLowerCase()).not.toBe('.git');
        expect(segment).not.toMatch(/[\u202e\u200b]/);
        expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(255);
      }
    for (const [i, c] of confirmed.entries()) {
      const got = await download(c.id);
      expect(got.body.toString()).toBe(`file ${i}`);
      expect(got.headers['content-disposition']).not.toMatch(/[\u202e\u200b]|%E2%80%AE|%E2%80%8B/);
    }
    const events = await t.db.query<{ message: string; level: string; source: string }>(
      `select message, level, source from events where instance_id = $1 and kind = 'output.escaped'`,
      [id],
    );
    expect(events).toHaveLength(5);
    expect(events.every((e) => e.level === 'warn' && e.source === 'hub')).toBe(true);
    expect(events.map((e) => e.message).join('\n')).toContain('a ".git" segment');
  });
});
