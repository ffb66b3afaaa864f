import { randomBytes } from 'node:crypto';
import type { OutputUploadPlan } from '@podpilot/common';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { heartbeat, localAgent } from '../test-support/agents.js';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { jpegWithExif, tiff, unicodeUserComment, webpWithExif } from '../test-support/exif.js';
import { iTXt, pngWithText, tEXt } from '../test-support/png.js';
import { describeOutput, putToUrl, syncOutputs, uploadInParts } from '../test-support/uploads.js';

const MiB = 1024 * 1024;

describe.each(testDatabases())('outputs on $engine', ({ open }) => {
  // Files above 8 MiB go in 5 MiB parts here (64 MiB and 16 MiB in production), so a test file stays small.
  const t = useOwnerHub(
    open,
    {},
    { outputs: { multipartThresholdBytes: 8 * MiB, preferredPartSize: 5 * MiB } },
  );

  const { stranger, owner, agent } = hubRequests(() => t.hub);
  /** An instance launched from profile `profile` whose agent registered; its agent token. */
  const launch = (name: string, profile = name) => localAgent(t, name, { profile });
  const agentPost = (token: string, path: string, payload: object) => agent(token, 'POST', path, payload);
  /** GETs a presigned URL of the test hub (inject: a keep-alive fetch would hold `close()` up). */
  const download = async (url: string) => {
    const res = await stranger('GET', url);
    return { status: res.statusCode, headers: res.headers, body: Buffer.from(res.rawPayload) };
  };
  /** Presign, PUT, confirm: the agent's sync of small files. Returns the confirmed rows. */
  const sync = (token: string, files: { path: string; bytes: Buffer }[]) => syncOutputs(t.hub, token, files);

  it('presigns, takes the PUT, confirms into the index, and serves the file back under its name', async () => {
    const { id, token } = await launch('out-a');
    const bytes = Buffer.from('{"hello":"outputs"}');
    const file = describeOutput('output/2026-11-28/notes.json', bytes);

    const first = await agentPost(token, 'outputs/presign', { files: [file] });
    expect(first.statusCode).toBe(200);
    const [plan] = first.json().files;
    expect(plan).toMatchObject({
      path: file.path,
      status: 'put',
      version: 1,
      key: expect.stringMatching(new RegExp(`^staging/${id}/[0-9a-f-]{36}$`)),
    });
    // A retried presign before the confirm: the same version and key, not version 2.
    const again = (await agentPost(token, 'outputs/presign', { files: [file] })).json().files[0];
    expect(again).toMatchObject({ status: 'put', version: 1, key: plan.key });

    await putToUrl(plan.url, bytes);
    const confirmBody = { files: [{ ...file, key: plan.key, version: 1 }] };
    const confirmed = await agentPost(token, 'outputs/confirm', confirmBody);
    expect(confirmed.statusCode).toBe(200);
    const [row] = confirmed.json().confirmed;
    expect(row).toMatchObject({ path: file.path, version: 1 });
    // Confirming twice (the answer was lost) gives the same row.
    const twice = await agentPost(token, 'outputs/confirm', confirmBody);
    expect(twice.json().confirmed).toEqual([row]);
    // Presigning the unchanged file now: nothing to send.
    expect((await agentPost(token, 'outputs/presign', { files: [file] })).json().files).toEqual([
      { path: file.path, status: 'indexed', version: 1 },
    ]);

    const listed = (await owner('GET', `/api/outputs?instance=${id}`)).json();
    expect(listed).toEqual({ outputs: [expect.objectContaining({ id: row.id })], nextCursor: null });
    const one = await owner('GET', `/api/outputs/${row.id}`);
    expect(one.json()).toMatchObject({
      id: row.id,
      instanceId: id,
      instanceName: 'out-a',
      profile: 'out-a',
      path: file.path,
      version: 1,
      sizeBytes: bytes.length,
      sha256: file.sha256,
      mtime: file.mtime,
      contentType: 'application/json',
      hasThumbnail: false,
      metadata: null,
    });
    const urls = (await owner('GET', `/api/outputs/${row.id}/urls`)).json();
    expect(urls.thumbnailUrl).toBeNull();
    const got = await download(urls.url);
    expect(got.status).toBe(200);
    expect(got.body.equals(bytes)).toBe(true);
    expect(got.headers['content-disposition']).toMatch(/^attachment; filename="notes\.json"/);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    // Stored under its own key, typed by the hub; the staging key is gone.
    const stored = await t.hub.storage.head(`outputs/${id}/${file.path}`);
    expect(stored).toMatchObject({ size: bytes.length, contentType: 'application/json' });
    expect(await t.hub.storage.head(plan.key)).toBeNull();

    expect((await owner('GET', '/api/outputs/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await owner('GET', '/api/outputs/nope')).statusCode).toBe(400);
  });

  it('keeps every version: a rewritten file becomes version 2 under its own key', async () => {
    const { id, token } = await launch('out-b');
    const v1 = Buffer.from('first take');
    const v2 = Buffer.from('second, better take');
    const first = await sync(token, [{ path: 'output/take.txt', bytes: v1 }]);
    const second = await sync(token, [{ path: 'output/take.txt', bytes: v2 }]);
    expect(second.plans[0]).toMatchObject({
      status: 'put',
      version: 2,
      key: expect.stringMatching(new RegExp(`^staging/${id}/`)),
    });
    expect(await t.hub.storage.head(`outputs/${id}/.versions/2/output/take.txt`)).toMatchObject({
      size: v2.length,
    });
    const [row1] = first.confirmed;
    const [row2] = second.confirmed;
    expect(row2).toMatchObject({ version: 2 });
    expect(row2?.id).not.toBe(row1?.id);
    // Both versions stay downloadable, each with its own bytes.
    for (const [row, bytes] of [
      [row1, v1],
      [row2, v2],
    ] as const) {
      const urls = (await owner('GET', `/api/outputs/${row?.id}/urls`)).json();
      expect((await download(urls.url)).body.equals(bytes)).toBe(true);
    }
    // The latest version unchanged: indexed; the first content again is a new version (3).
    const again = await sync(token, [{ path: 'output/take.txt', bytes: v2 }]);
    expect(again.plans).toEqual([{ path: 'output/take.txt', status: 'indexed', version: 2 }]);
    const back = (
      await agentPost(token, 'outputs/presign', { files: [describeOutput('output/take.txt', v1)] })
    ).json();
    expect(back.files[0]).toMatchObject({ status: 'put', version: 3 });
  });

  it('hands out versions in order for several unconfirmed rewrites of one path, in one batch or several', async () => {
    const { token } = await launch('out-b2');
    const a = describeOutput('output/x.txt', Buffer.from('a'));
    const b = describeOutput('output/x.txt', Buffer.from('b'));
    const res = (await agentPost(token, 'outputs/presign', { files: [a, b, a] })).json();
    expect(res.files.map((f: OutputUploadPlan) => f.version)).toEqual([1, 2, 1]);
    const later = (await agentPost(token, 'outputs/presign', { files: [b] })).json();
    expect(later.files[0].version).toBe(2);
  });

  it('uploads a big file in parts, resuming the same multipart upload when presigned again', async () => {
    const { id, token } = await launch('out-c');
    const bytes = randomBytes(12 * MiB + 123);
    const file = describeOutput('output/video/clip.mp4', bytes);
    const plan = (await agentPost(token, 'outputs/presign', { files: [file] })).json().files[0];
    expect(plan).toMatchObject({
      status: 'multipart',
      version: 1,
      key: expect.stringMatching(new RegExp(`^staging/${id}/`)),
      partSize: 5 * MiB,
      partCount: 3,
    });
    const again = (await agentPost(token, 'outputs/presign', { files: [file] })).json().files[0];
    expect(again.uploadId).toBe(plan.uploadId);

    const partsOf = (payload: object) => agentPost(token, 'outputs/parts', payload);
    const stranger = await launch('out-c-other');
    const foreign = await agentPost(stranger.token, 'outputs/parts', {
      key: plan.key,
      uploadId: plan.uploadId,
      partNumbers: [1],
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.message).toContain('key:');
    const stale = await partsOf({ key: plan.key, uploadId: 'not-the-upload', partNumbers: [1] });
    expect(stale.statusCode).toBe(409);
    const beyond = await partsOf({ key: plan.key, uploadId: plan.uploadId, partNumbers: [4] });
    expect(beyond.statusCode).toBe(400);

    const { parts } = await uploadInParts(
      bytes,
      { partSize: plan.partSize, partCount: plan.partCount, uploaded: [] },
      async (partNumbers) =>
        (await partsOf({ key: plan.key, uploadId: plan.uploadId, partNumbers })).json().parts,
    );
    const confirmBody = {
      files: [{ ...file, key: plan.key, version: 1, uploadId: plan.uploadId, parts }],
    };
    const confirmed = await agentPost(token, 'outputs/confirm', confirmBody);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    // Again (the answer was lost): the upload is complete already; the same row.
    const twice = await agentPost(token, 'outputs/confirm', confirmBody);
    expect(twice.json().confirmed).toEqual(confirmed.json().confirmed);
    const out = (await owner('GET', `/api/outputs/${confirmed.json().confirmed[0].id}`)).json();
    expect(out).toMatchObject({ contentType: 'video/mp4', sizeBytes: bytes.length, hasThumbnail: false });
    expect((await t.hub.storage.head(`outputs/${id}/${file.path}`))?.size).toBe(bytes.length);
    expect(await t.hub.storage.head(plan.key)).toBeNull();
  });

  it("refuses keys outside the instance's prefix (403), and missing or wrong-sized objects (409)", async () => {
    const mine = await launch('out-d');
    const other = await launch('out-d-other');
    const bytes = Buffer.from('a'.repeat(100));
    const file = describeOutput('output/a.txt', bytes);
    const otherPlan = (await agentPost(other.token, 'outputs/presign', { files: [file] })).json().files[0];
    await putToUrl(otherPlan.url, bytes);
    const foreign = await agentPost(mine.token, 'outputs/confirm', {
      files: [{ ...file, key: otherPlan.key, version: 1 }],
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.message).toMatch(/^files\[0\]\.key: /);

    const plan = (await agentPost(mine.token, 'outputs/presign', { files: [file] })).json().files[0];
    const notThere = await agentPost(mine.token, 'outputs/confirm', {
      files: [{ ...file, key: plan.key, version: 1 }],
    });
    expect(notThere.statusCode).toBe(409);
    expect(notThere.json().error.message).toContain('output/a.txt');

    // Fewer bytes than claimed reached storage.
    await t.hub.storage.put(plan.key, bytes.subarray(0, 50));
    const short = await agentPost(mine.token, 'outputs/confirm', {
      files: [{ ...file, key: plan.key, version: 1 }],
    });
    expect(short.statusCode).toBe(409);
    expect(short.json().error.message).toContain('output/a.txt');
    expect(short.json().error.message).toContain('50 bytes');
    // The wrong bytes are deleted: nothing of them can be indexed later.
    expect(await t.hub.storage.head(plan.key)).toBeNull();

    // A final key is never the agent's to name.
    const wrongKey = await agentPost(mine.token, 'outputs/confirm', {
      files: [{ ...file, key: `outputs/${mine.id}/output/a.txt`, version: 1 }],
    });
    expect(wrongKey.statusCode).toBe(403);
    const badPath = await agentPost(mine.token, 'outputs/presign', {
      files: [describeOutput('.versions/2/a.txt', bytes)],
    });
    expect(badPath.statusCode).toBe(400);
    expect(badPath.json().error.message).toContain('.versions');
    expect((await agentPost('ppa_forged', 'outputs/presign', { files: [file] })).statusCode).toBe(401);
    expect(await t.db.query('select 1 from outputs where instance_id = $1', [mine.id])).toEqual([]);
  });

  it('reads A1111 and ComfyUI settings from PNGs, makes WebP thumbnails, and searches them', async () => {
    const { id, token } = await launch('out-e');
    const a1111 = await pngWithText(640, 480, [
      tEXt(
        'parameters',
        'a lighthouse at dusk, oil painting, très détaillé\nNegative prompt: blurry\nSteps: 30, Sampler: DPM++ 2M',
      ),
    ]);
    const prompt = JSON.stringify({
      '3': { class_type: 'KSampler', inputs: { text: 'a red fox in snow 🦊' } },
    });
    const workflow = JSON.stringify({ nodes: [{ id: 3, type: 'KSampler' }] });
    const comfy = await pngWithText(300, 600, [iTXt('prompt', prompt)], [tEXt('workflow', workflow)]);
    const broken = Buffer.concat([a1111.subarray(0, 100), Buffer.from('not an image any more')]);
    const { confirmed } = await sync(token, [
      { path: 'outputs/txt2img/00001-123.png', bytes: a1111 },
      { path: 'output/ComfyUI_00001_.png', bytes: comfy },
      { path: 'output/broken.png', bytes: broken },
    ]);
    expect(confirmed).toHaveLength(3);
    await t.hub.services.outputs.idle();
    const [first, second, third] = await Promise.all(
      confirmed.map(async (c) => (await owner('GET', `/api/outputs/${c.id}`)).json()),
    );
    expect(first).toMatchObject({
      contentType: 'image/png',
      hasThumbnail: true,
      metadata: {
        parameters:
          'a lighthouse at dusk, oil painting, très détaillé\nNegative prompt: blurry\nSteps: 30, Sampler: DPM++ 2M',
        width: 640,
        height: 480,
      },
    });
    expect(second).toMatchObject({
      hasThumbnail: true,
      metadata: { prompt, workflow, width: 300, height: 600 },
    });
    expect(third).toMatchObject({ hasThumbnail: false });

    // A hub that stopped before making them makes them at its next start; a broken image is not retried.
    await t.db.query('update outputs set metadata = null, thumbnail_key = null where id = $1', [first.id]);
    expect(await t.hub.services.outputs.resumeDerivations()).toBe(1);
    await t.hub.services.outputs.idle();
    expect((await owner('GET', `/api/outputs/${first.id}`)).json()).toMatchObject({
      hasThumbnail: true,
      metadata: { width: 640, height: 480 },
    });

    const search = async (q: string) =>
      (await owner('GET', `/api/outputs?instance=${id}&q=${encodeURIComponent(q)}`))
        .json()
        .outputs.map((o: { path: string }) => o.path);
    expect(await search('LIGHTHOUSE dusk')).toEqual(['outputs/txt2img/00001-123.png']);
    expect(await search('fox')).toEqual(['output/ComfyUI_00001_.png']);
    expect(await search('très')).toEqual(['outputs/txt2img/00001-123.png']);
    expect(await search('lighthouse fox')).toEqual([]);
    expect(await search('broken')).toEqual(['output/broken.png']);
    expect((await search('png')).length).toBe(3);

    const urls = (await owner('GET', `/api/outputs/${first.id}/urls`)).json();
    const thumb = await download(urls.thumbnailUrl);
    expect(thumb.status).toBe(200);
    expect(thumb.body.subarray(8, 12).toString('latin1')).toBe('WEBP');
    expect(await sharp(thumb.body).metadata()).toMatchObject({ format: 'webp', width: 256, height: 192 });
    const tall = (await owner('GET', `/api/outputs/${second.id}/urls`)).json();
    expect(await sharp((await download(tall.thumbnailUrl)).body).metadata()).toMatchObject({
      width: 128,
      height: 256,
    });
  });

  it("reads A1111's settings from a JPEG's EXIF and ComfyUI's graph from a WebP's", async () => {
    const { token } = await launch('out-x');
    const parameters = 'a harbour at night, 夜\nNegative prompt: blurry\nSteps: 25, Seed: 9';
    const jpeg = await jpegWithExif(
      tiff('MM', [], [{ tag: 0x9286, type: 7, data: unicodeUserComment(parameters) }]),
    );
    const graph = JSON.stringify({ '3': { class_type: 'KSampler', inputs: { seed: 5 } } });
    const webp = await webpWithExif(tiff('II', [{ tag: 0x0110, type: 2, data: `prompt:${graph}` }]), true);
    const { confirmed } = await sync(token, [
      { path: 'outputs/txt2img/00002-9.jpg', bytes: jpeg },
      { path: 'output/ComfyUI_00002_.webp', bytes: webp },
    ]);
    await t.hub.services.outputs.idle();
    const [fromJpeg, fromWebp] = await Promise.all(
      confirmed.map(async (c) => (await owner('GET', `/api/outputs/${c.id}`)).json()),
    );
    expect(fromJpeg).toMatchObject({ hasThumbnail: true, metadata: { parameters, width: 64, height: 48 } });
    expect(fromWebp).toMatchObject({
      hasThumbnail: true,
      metadata: { prompt: graph, width: 64, height: 48 },
    });
  });

  it('filters by instance, profile, time and path, and pages newest first with a cursor', async () => {
    const one = await launch('out-f1', 'out-f-portraits');
    const two = await launch('out-f2', 'out-f-landscapes');
    await sync(one.token, [
      { path: 'output/p1.txt', bytes: Buffer.from('p1') },
      { path: 'output/p2.txt', bytes: Buffer.from('p2') },
    ]);
    const middle = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await sync(two.token, [
      { path: 'output/l1.txt', bytes: Buffer.from('l1') },
      { path: 'other/l2.txt', bytes: Buffer.from('l2') },
      { path: 'output/l3.txt', bytes: Buffer.from('l3') },
    ]);
    const paths = async (query: string) =>
      (await owner('GET', `/api/outputs?${query}`)).json().outputs.map((o: { path: string }) => o.path);
    expect((await paths(`instance=${one.id}`)).sort()).toEqual(['output/p1.txt', 'output/p2.txt']);
    expect((await paths('profile=out-f-landscapes')).sort()).toEqual([
      'other/l2.txt',
      'output/l1.txt',
      'output/l3.txt',
    ]);
    expect((await paths(`instance=${two.id}&path=OUTPUT/`)).sort()).toEqual([
      'output/l1.txt',
      'output/l3.txt',
    ]);
    const since = await paths(`since=${middle}`);
    expect(since.sort()).toEqual(['other/l2.txt', 'output/l1.txt', 'output/l3.txt']);
    const until = await paths(`until=${middle}&profile=out-f-portraits`);
    expect(until.sort()).toEqual(['output/p1.txt', 'output/p2.txt']);

    // All outputs so far, two at a time: each once, newest first.
    const all = (await owner('GET', '/api/outputs?limit=1000')).json().outputs as {
      id: string;
      createdAt: string;
    }[];
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = (await owner('GET', `/api/outputs?${query}`)).json();
      expect(page.outputs.length).toBeLessThanOrEqual(2);
      paged.push(...page.outputs.map((o: { id: string }) => o.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all.map((o) => o.id));
    expect(new Set(paged).size).toBe(paged.length);
    const times = all.map((o) => o.createdAt);
    expect([...times].sort().reverse()).toEqual(times);

    const badCursor = await owner('GET', '/api/outputs?cursor=garbage');
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().error.message).toContain('cursor');
    expect((await owner('GET', '/api/outputs?limit=0')).statusCode).toBe(400);
    expect((await owner('GET', '/api/outputs?instance=nope')).statusCode).toBe(400);
  });

  it("waits for the agent's final sync: synced, failed, or timeout", async () => {
    const { id, token } = await launch('out-g');
    const sync = {
      backlogFiles: 0,
      backlogBytes: 0,
      syncedFiles: 4,
      syncedBytes: 4096,
      lastSyncAt: '2026-11-28T10:00:00.000Z',
      lastError: null,
    };
    const beat = (acknowledged: object[] = []) =>
      agentPost(token, 'heartbeat', heartbeat({ sync, acknowledged }));
    /** A simulated agent: heartbeats until it sees a sync-now, then acknowledges it as told. */
    const agent = async (ok: boolean, message?: string) => {
      for (let i = 0; i < 100; i++) {
        const commands = (await beat()).json().commands as { id: string; kind: string; args: unknown }[];
        const command = commands.find((c) => c.kind === 'sync-now');
        if (command) {
          expect(command.args).toEqual({ final: true });
          await beat([{ id: command.id, ok, ...(message ? { message } : {}) }]);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('no sync-now command arrived');
    };

    const [synced] = await Promise.all([
      owner('POST', `/api/instances/${id}/sync`, { timeoutSeconds: 10 }),
      agent(true),
    ]);
    expect(synced.statusCode).toBe(200);
    expect(synced.json()).toEqual({ result: 'synced', message: null, sync });
    // The sync status is one of the agent's facts in the instance detail.
    expect((await owner('GET', `/api/instances/${id}`)).json().agent.facts.sync).toEqual(sync);

    const [failed] = await Promise.all([
      owner('POST', `/api/instances/${id}/sync`, { timeoutSeconds: 10 }),
      agent(false, 'storage answered 503'),
    ]);
    expect(failed.json()).toEqual({ result: 'failed', message: 'storage answered 503', sync });

    const started = Date.now();
    const timeout = await owner('POST', `/api/instances/${id}/sync`, { timeoutSeconds: 1 });
    expect(timeout.json()).toMatchObject({ result: 'timeout', sync });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(5000);

    // No body: the default timeout; an unknown instance is 404 before any waiting.
    const unknown = await owner('POST', '/api/instances/00000000-0000-4000-8000-000000000000/sync');
    expect(unknown.statusCode, unknown.body).toBe(404);
    const tooLong = await owner('POST', `/api/instances/${id}/sync`, { timeoutSeconds: 7200 });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.message).toContain('timeoutSeconds');
  });
});
