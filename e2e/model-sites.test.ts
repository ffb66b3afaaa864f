import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ModelUrlsResponse, Profile } from '@podpilot/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCivitai, FakeHuggingFace } from '../apps/agent/src/download/test-support/fake-model-sites.js';
import { ProgressTracker } from '../apps/agent/src/provision/progress.js';
import { provisionModels } from '../apps/agent/src/provision/provision-models.js';
import { tempDir } from '../apps/agent/src/provision/test-support/git-repos.js';
import type { Db } from '../apps/hub/src/db/db.js';
import { migrate } from '../apps/hub/src/db/migrate.js';
import { openPglite } from '../apps/hub/src/db/pglite.js';
import { localAgent } from '../apps/hub/src/test-support/agents.js';
import { appWithOwner, hubRequests, type OwnerHub } from '../apps/hub/src/test-support/app.js';

const KiB = 1024;
const HF_TOKEN = 'hf_E2eTokenThatMustStayHome42';
const CIVITAI_TOKEN = 'civitai_e2e_token_0123456789';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('model-site credentials: Hugging Face and Civitai fakes, hub and agent (e2e)', () => {
  const tmp = tempDir('podpilot-model-sites-');
  const vae = randomBytes(256 * KiB + 5);
  const hf = new FakeHuggingFace(HF_TOKEN, {
    org: 'black-forest-labs',
    repo: 'FLUX.1-dev',
    name: 'ae.safetensors',
    data: vae,
    sha256: sha(vae),
  });
  const [older, latest, training] = [
    randomBytes(100 * KiB + 1),
    randomBytes(150 * KiB + 3),
    randomBytes(KiB),
  ];
  const civitai = new FakeCivitai(CIVITAI_TOKEN, 7, [
    {
      id: 72,
      files: [
        { name: 'detail-v2.safetensors', data: latest, sha256: sha(latest), primary: true },
        { name: 'dataset.zip', data: training, sha256: sha(training), type: 'Training Data' },
      ],
    },
    { id: 71, files: [{ name: 'detail-v1.safetensors', data: older, sha256: sha(older), primary: true }] },
  ]);
  let db: Db;
  let hub: OwnerHub;
  const t = {
    get db() {
      return db;
    },
    get hub() {
      return hub;
    },
  };
  const { owner, agent } = hubRequests(() => hub);

  beforeAll(async () => {
    await Promise.all([hf.start(), civitai.start()]);
    db = await openPglite();
    await migrate(db);
    hub = await appWithOwner(
      db,
      {},
      {
        models: {
          huggingfaceUrl: hf.origin,
          civitaiUrl: civitai.origin,
          secrets: { reveal: (name) => hub.services.secrets.reveal(name) },
        },
      },
    );
  });
  afterAll(async () => {
    await hub.close();
    await db.close();
    await Promise.all([hf.close(), civitai.close()]);
    tmp.cleanup();
  });

  const addModel = (url: string, kind = 'lora') => owner('POST', '/api/models', { url, kind });

  it('models add of a Civitai model, version or download URL stores the file name, size and sha256', async () => {
    await owner('PUT', '/api/secrets/civitai.token', { value: CIVITAI_TOKEN });
    const version = await addModel(`${civitai.origin}/models/7/detail-tweaker?modelVersionId=71`);
    expect(version.statusCode, version.body).toBeLessThan(300);
    expect(version.json()).toMatchObject({
      name: 'detail-v1',
      fileName: 'detail-v1.safetensors',
      sizeBytes: older.length,
      sha256: sha(older),
      sourceUrl: civitai.downloadUrl(71),
      status: 'pending',
    });
    const newest = (await addModel(`${civitai.origin}/models/7`)).json();
    expect(newest).toMatchObject({ name: 'detail-v2', sizeBytes: latest.length, sha256: sha(latest) });
    const byDownload = await addModel(`${civitai.origin}/api/download/models/71`);
    expect(byDownload.statusCode).toBe(200); // already registered
    expect(byDownload.json()).toMatchObject({ sha256: sha(older) });
    const dataset = (await addModel(civitai.downloadUrl(72, 'Training Data'), 'embedding')).json();
    expect(dataset).toMatchObject({ fileName: 'dataset.zip', sha256: sha(training) });
    // The hub asked Civitai's API with the token, and downloaded nothing.
    expect(civitai.requests.every((r) => r.path.startsWith('/api/v1/'))).toBe(true);
    expect(civitai.requests.every((r) => r.authorization === `Bearer ${CIVITAI_TOKEN}`)).toBe(true);
    expect(civitai.cdn.requests).toEqual([]);
  });

  it('a gated Hugging Face model names the secret and the licence page; with the token, its LFS sha256', async () => {
    const refused = await addModel(hf.url, 'vae');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('podpilot secrets set huggingface.token');
    expect(refused.json().error.message).toContain(`${hf.origin}/black-forest-labs/FLUX.1-dev`);
    expect((await owner('PUT', '/api/secrets/huggingface.token', { value: HF_TOKEN })).statusCode).toBe(204);
    const added = await addModel(hf.url, 'vae');
    expect(added.json()).toMatchObject({
      name: 'ae',
      fileName: 'ae.safetensors',
      sha256: sha(vae),
      sizeBytes: vae.length,
    });
    expect(hf.requests.map((r) => r.authorization)).toEqual([undefined, `Bearer ${HF_TOKEN}`]);
    expect(hf.cdn.requests).toEqual([]); // the hub never follows the redirect
  });

  it('the agent gets each token for its own origin only; the CDNs never see one; sha256s verified', async () => {
    const models = [
      `{ name: flux-ae, kind: vae, sha256: ${sha(vae)}, source: { url: "${hf.url}" } }`,
      `{ name: detail, kind: lora, sha256: ${sha(older)}, source: { url: "${civitai.downloadUrl(71)}" } }`,
    ];
    const { token } = await localAgent(t, 'gated', { extra: `models:\n  - ${models.join('\n  - ')}\n` });
    const profile = Profile.parse((await agent(token, 'GET', 'profile')).json().profile.spec);
    const answer = ModelUrlsResponse.parse(
      (await agent(token, 'POST', 'models/urls', { sha256s: [sha(vae), sha(older)] })).json(),
    );
    expect(answer.credentials).toEqual([
      {
        origin: hf.origin,
        secret: 'huggingface.token',
        header: 'Authorization',
        value: `Bearer ${HF_TOKEN}`,
      },
      {
        origin: civitai.origin,
        secret: 'civitai.token',
        header: 'Authorization',
        value: `Bearer ${CIVITAI_TOKEN}`,
      },
    ]);
    const [hfBefore, civitaiBefore] = [hf.requests.length, civitai.requests.length];
    const outcomes = await provisionModels(profile, {
      cacheDir: join(tmp.dir, 'cache'),
      uiDir: join(tmp.dir, 'ui'),
      storageUrls: answer.urls,
      credentials: answer.credentials,
      progress: new ProgressTracker(),
    });
    expect(outcomes.map((o) => [o.name, o.from])).toEqual(
      expect.arrayContaining([
        ['flux-ae', 'url'],
        ['detail', 'url'],
      ]),
    );
    expect((await readFile(join(tmp.dir, 'ui', 'models/vae/ae.safetensors'))).equals(vae)).toBe(true);
    expect(hf.requests.slice(hfBefore).map((r) => r.authorization)).toEqual([`Bearer ${HF_TOKEN}`]);
    expect(civitai.requests.slice(civitaiBefore).map((r) => r.authorization)).toEqual([
      `Bearer ${CIVITAI_TOKEN}`,
    ]);
    expect(hf.cdn.requests.length).toBeGreaterThan(0);
    expect(civitai.cdn.requests.length).toBeGreaterThan(0);
    expect([...hf.cdnAuthorizations(), ...civitai.cdnAuthorizations()].every((a) => a === undefined)).toBe(
      true,
    );

    // Without the token the agent's error names the secret to set and the licence page.
    await owner('DELETE', '/api/secrets/huggingface.token');
    const bare = ModelUrlsResponse.parse(
      (await agent(token, 'POST', 'models/urls', { sha256s: [sha(vae)] })).json(),
    );
    expect(bare.credentials).toEqual([{ origin: hf.origin, secret: 'huggingface.token' }]);
    const failed = provisionModels(Profile.parse({ ...profile, models: profile.models.slice(0, 1) }), {
      cacheDir: join(tmp.dir, 'cache-2'),
      uiDir: join(tmp.dir, 'ui-2'),
      storageUrls: {},
      credentials: bare.credentials,
      progress: new ProgressTracker(),
    });
    await expect(failed).rejects.toThrow(/HTTP 401.*podpilot secrets set huggingface\.token.*FLUX\.1-dev/);
  });

  it('models add never asks a private address the configuration does not name: one 400, open port or closed', async () => {
    // The fakes above are on 127.0.0.1 too: reachable because PODPILOT_HUGGINGFACE_URL/CIVITAI_URL name them.
    const seen: string[] = [];
    const open = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { etag: `"${'d'.repeat(64)}"` }).end();
    });
    await new Promise<void>((resolve) => open.listen(0, '127.0.0.1', resolve));
    const closing = createServer();
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    const closed = (closing.address() as AddressInfo).port;
    await new Promise((resolve) => closing.close(resolve));
    try {
      const ports = [(open.address() as AddressInfo).port, closed];
      const urls = ports.flatMap((port) => [
        `http://127.0.0.1:${port}/m.safetensors`,
        `http://2130706433:${port}/m.safetensors`,
        `http://[::ffff:127.0.0.1]:${port}/m.safetensors`,
      ]);
      const answers = await Promise.all(urls.map(async (url) => addModel(url)));
      for (const res of answers) {
        expect(res.statusCode, res.body).toBe(400);
        expect(res.body).toBe(answers[0]?.body);
      }
      expect(answers[0]?.json().error).toMatchObject({
        message: 'url: expected a public http(s) address, got one that resolves to a private address',
        issues: [{ path: 'body.url' }],
      });
      expect(seen).toEqual([]);
    } finally {
      open.closeAllConnections();
      await new Promise((resolve) => open.close(resolve));
    }
  });

  it('models add of a URL with a malformed %-escape answers 400 naming url', async () => {
    for (const url of ['https://x.example/%zz', 'https://x.example/%E0%A4%A']) {
      const res = await owner('POST', '/api/models', { url, kind: 'lora', sha256: 'e'.repeat(64) });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.issues).toEqual([{ path: 'body.url', message: expect.stringContaining('%') }]);
    }
  });
});
