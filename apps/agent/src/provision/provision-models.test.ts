import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Profile } from '@podpilot/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileServer } from '../download/test-support/file-server.js';
import { ProgressTracker } from './progress.js';
import { provisionModels } from './provision-models.js';
import { tempDir } from './test-support/git-repos.js';

const COMMIT = 'a'.repeat(40);

describe('provisionModels', () => {
  const tmp = tempDir('podpilot-models-');
  const server = new FileServer();
  beforeAll(() => server.start());
  afterAll(async () => {
    await server.close();
    tmp.cleanup();
  });

  const profileWith = (sha256: string, url: string): Profile =>
    Profile.parse({
      name: 'p',
      ui: { kind: 'comfyui', ref: COMMIT },
      models: [{ name: 'm', kind: 'lora', sha256, source: { url }, file: 'm.safetensors' }],
    });

  it("falls back to the model's own URL when the library's copy is corrupt, and says so", async () => {
    const good = server.serveRandom('/good.bin', 300_000);
    server.serveRandom('/library-copy.bin', 300_000); // other bytes under the same content address
    const warnings: string[] = [];
    const [outcome] = await provisionModels(profileWith(good.sha256, server.url('/good.bin')), {
      cacheDir: join(tmp.dir, 'cache'),
      uiDir: join(tmp.dir, 'ui'),
      storageUrls: { [good.sha256]: server.url('/library-copy.bin') },
      progress: new ProgressTracker(),
      onWarning: (message) => warnings.push(message),
    });
    expect(outcome).toMatchObject({ name: 'm', from: 'url', sizeBytes: 300_000 });
    expect((await readFile(join(tmp.dir, 'ui', 'models/loras/m.safetensors'))).equals(good.data)).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("model m: the library's copy is corrupt");
  });

  it("says each model's start and end for the agent's log, and a failure at error level", async () => {
    const good = server.serveRandom('/said.bin', 10_000);
    const said: [string, string | undefined][] = [];
    await provisionModels(profileWith(good.sha256, server.url('/said.bin')), {
      cacheDir: join(tmp.dir, 'cache-said'),
      uiDir: join(tmp.dir, 'ui-said'),
      storageUrls: {},
      progress: new ProgressTracker(),
      onStep: (line, level) => said.push([line, level]),
    });
    expect(said).toEqual([
      [`model m: fetching m.safetensors from 127.0.0.1:${new URL(server.url('/')).port}`, undefined],
      [expect.stringMatching(/^model m: fetched 0\.0 MiB from url, sha256 verified$/), undefined],
    ]);

    said.length = 0;
    const sha256 = 'b'.repeat(64);
    const libraryOnly = Profile.parse({
      name: 'p',
      ui: { kind: 'comfyui', ref: COMMIT },
      models: [
        { name: 'sdxl-refiner', kind: 'lora', sha256, source: { storage: `models/sha256/${sha256}` } },
      ],
    });
    const failed = provisionModels(libraryOnly, {
      cacheDir: join(tmp.dir, 'cache-said'),
      uiDir: join(tmp.dir, 'ui-said'),
      storageUrls: {},
      progress: new ProgressTracker(),
      onStep: (line, level) => said.push([line, level]),
    });
    const reason = 'model sdxl-refiner: it is not in the library yet and has no URL to fetch it from';
    await expect(failed).rejects.toThrow(reason);
    expect(said).toEqual([
      ['model sdxl-refiner: fetching sdxl-refiner.safetensors from nowhere', undefined],
      [reason, 'error'],
    ]);
  });
});
