import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSourceCredential } from '@podpilot/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadError, fetchModel, sourceWithCredentials } from './index.js';
import { FakeCivitai, FakeHuggingFace } from './test-support/fake-model-sites.js';

const KiB = 1024;
const HF_TOKEN = 'hf_TestTokenNeverLogged1234';
const CIVITAI_TOKEN = 'civitai0123456789abcdef';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('model-site credentials in downloads', () => {
  const data = randomBytes(300 * KiB + 7);
  const hf = new FakeHuggingFace(HF_TOKEN, {
    org: 'black-forest-labs',
    repo: 'FLUX.1-dev',
    name: 'ae.safetensors',
    data,
    sha256: sha(data),
  });
  const lora = randomBytes(200 * KiB + 3);
  const civitai = new FakeCivitai(CIVITAI_TOKEN, 7, [
    { id: 71, files: [{ name: 'detail.safetensors', data: lora, sha256: sha(lora), primary: true }] },
  ]);
  let cacheDir: string;
  beforeAll(async () => {
    await Promise.all([hf.start(), civitai.start()]);
    cacheDir = await mkdtemp(join(tmpdir(), 'podpilot-credentials-'));
  });
  afterAll(async () => {
    await Promise.all([hf.close(), civitai.close()]);
    await rm(cacheDir, { recursive: true, force: true });
  });

  const hfCredential = (value?: string): ModelSourceCredential => ({
    origin: hf.origin,
    secret: 'huggingface.token',
    ...(value ? { header: 'Authorization', value: `Bearer ${value}` } : {}),
  });
  const fetchHf = (credentials: ModelSourceCredential[], dir = cacheDir) =>
    fetchModel({
      cacheDir: dir,
      sha256: sha(data),
      name: 'flux-vae',
      source: sourceWithCredentials(hf.url, credentials),
      chunkSize: 64 * KiB,
    });

  it('names the secret to set and the licence page when a gated model answers 401 without a token', async () => {
    const error = await fetchHf([hfCredential()]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).status).toBe(401);
    expect((error as Error).message).toContain('no huggingface.token is set on the hub');
    expect((error as Error).message).toContain('podpilot secrets set huggingface.token');
    expect((error as Error).message).toContain(
      `accept the model's licence at ${hf.origin}/black-forest-labs/FLUX.1-dev`,
    );
    expect(hf.requests.at(-1)?.authorization).toBeUndefined();
  });

  it('says the token was refused (403) without ever showing it', async () => {
    const error = (await fetchHf([hfCredential('hf_WrongTokenAlsoSecret99')]).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toContain('the site refused the huggingface.token the hub sent');
    expect(error.message).not.toContain('hf_WrongTokenAlsoSecret99');
  });

  it('sends the token to Hugging Face only, never to the CDN it redirects to, and verifies the sha256', async () => {
    const before = hf.requests.length;
    const result = await fetchHf([hfCredential(HF_TOKEN)]);
    expect((await readFile(result.path)).equals(data)).toBe(true);
    expect(hf.requests.slice(before).map((r) => r.authorization)).toEqual([`Bearer ${HF_TOKEN}`]);
    expect(hf.cdn.requests.length).toBeGreaterThan(1);
    expect(hf.cdn.requests.every((r) => r.host.startsWith('localhost:'))).toBe(true);
    expect(hf.cdnAuthorizations().every((a) => a === undefined)).toBe(true);
  });

  it("sends Civitai's token to Civitai only, not to the storage host of its redirect", async () => {
    const result = await fetchModel({
      cacheDir,
      sha256: sha(lora),
      name: 'detail-lora',
      source: sourceWithCredentials(civitai.downloadUrl(71), [
        {
          origin: civitai.origin,
          secret: 'civitai.token',
          header: 'Authorization',
          value: `Bearer ${CIVITAI_TOKEN}`,
        },
        hfCredential(HF_TOKEN),
      ]),
      chunkSize: 64 * KiB,
    });
    expect((await readFile(result.path)).equals(lora)).toBe(true);
    expect(civitai.requests.map((r) => r.authorization)).toEqual([`Bearer ${CIVITAI_TOKEN}`]);
    expect(civitai.cdnAuthorizations().every((a) => a === undefined)).toBe(true);
  });

  it('sends a credential only to its exact origin, and only over https or to loopback', () => {
    const credential = {
      origin: 'https://models.example.com',
      secret: 'model-host.models.example.com.header',
      header: 'X-Key',
      value: 'k-123456',
    };
    expect(sourceWithCredentials('https://models.example.com/a.bin', [credential]).headers).toEqual({
      'X-Key': 'k-123456',
    });
    for (const url of [
      'http://models.example.com/a.bin',
      'https://models.example.com:8443/a.bin',
      'https://cdn.models.example.com/a.bin',
    ])
      expect(sourceWithCredentials(url, [credential]).headers).toBeUndefined();
    const plain = { ...credential, origin: 'http://models.example.com' };
    expect(sourceWithCredentials('http://models.example.com/a.bin', [plain]).headers).toBeUndefined();
    const injected = { ...credential, value: 'ok\r\nHost: evil' };
    expect(sourceWithCredentials('https://models.example.com/a.bin', [injected]).headers).toBeUndefined();
  });
});
