import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../hub/src/db/db.js';
import { appWithOwner, type TestHub } from '../../../hub/src/test-support/app.js';
import { testDatabases } from '../../../hub/src/test-support/databases.js';
import { HubClient } from './hub-client.js';
import { type PushProgress, pushModel } from './model-push.js';
import { UploadJournal } from './upload-journal.js';

const MiB = 1024 * 1024;
const [pglite] = testDatabases();

describe('podpilot models push (engine)', () => {
  let db: Db;
  let hub: TestHub;
  let client: HubClient;
  let dir: string;
  let journal: UploadJournal;

  beforeAll(async () => {
    db = await (pglite?.open() as Promise<Db>);
    hub = await appWithOwner(db);
    const [owner] = await db.query<{ id: string; username: string }>('select id, username from users');
    const { token } = await hub.services.apiTokens.create(owner as { id: string; username: string }, 'test');
    client = new HubClient({ hubUrl: hub.url, token });
    dir = await mkdtemp(join(tmpdir(), 'podpilot-push-'));
    journal = new UploadJournal(join(dir, 'config'));
  });
  afterAll(async () => {
    await hub.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, size: number): Promise<{ path: string; sha256: string }> {
    const data = randomBytes(size);
    const path = join(dir, name);
    await writeFile(path, data);
    return { path, sha256: createHash('sha256').update(data).digest('hex') };
  }

  async function stored(sha256: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of await hub.storage.get(`models/sha256/${sha256}`)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  it('hashes, uploads the parts in parallel and completes; the bytes in storage match', async () => {
    const { path, sha256 } = await file('style.safetensors', 40 * MiB + 7);
    const phases = new Set<string>();
    const result = await pushModel(client, journal, {
      file: path,
      kind: 'lora',
      parallel: 3,
      singlePut: false,
      onProgress: (p) => phases.add(p.phase),
    });
    expect(result).toMatchObject({
      sha256,
      outcome: 'uploaded',
      model: { name: 'style', status: 'available', fileName: 'style.safetensors' },
    });
    expect(result.sentParts.sort()).toEqual([1, 2, 3]);
    expect([...phases]).toEqual(['hash', 'upload', 'finish']);
    expect(await stored(sha256)).toBe(sha256);
  });

  it('sends a small file in one PUT with its progress, then completes; the bytes in storage match', async () => {
    const { path, sha256 } = await file('small.safetensors', 12 * MiB + 3);
    const progress: PushProgress[] = [];
    const result = await pushModel(client, journal, {
      file: path,
      kind: 'lora',
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({
      sha256,
      outcome: 'uploaded',
      sentParts: [1],
      model: { status: 'available' },
    });
    const uploads = progress.filter((p) => p.phase === 'upload').map((p) => p.doneBytes);
    expect(uploads.length).toBeGreaterThan(1); // streamed, told as it goes
    expect(uploads.at(-1)).toBe(12 * MiB + 3);
    expect(progress.at(-1)?.phase).toBe('finish');
    expect(await stored(sha256)).toBe(sha256);
  });

  it('sends nothing when the library already has the bytes', async () => {
    const { path, sha256 } = await file('copy.safetensors', 3 * MiB);
    await pushModel(client, journal, { file: path, kind: 'lora' });
    const again = await pushModel(client, journal, { file: path, kind: 'lora', name: 'other name' });
    expect(again).toMatchObject({ sha256, outcome: 'exists', sentParts: [] });
  });

  it('resumes a killed push without re-hashing, sending only the missing parts', async () => {
    const { path, sha256 } = await file('big.safetensors', 50 * MiB);
    const abort = new AbortController();
    const first: number[] = [];
    await expect(
      pushModel(client, journal, {
        file: path,
        kind: 'checkpoint',
        parallel: 1,
        singlePut: false,
        signal: abort.signal,
        onPartUploaded: (n) => {
          first.push(n);
          if (first.length === 2) abort.abort();
        },
      }),
    ).rejects.toThrow();
    expect(first).toEqual([1, 2]);
    const phases: PushProgress['phase'][] = [];
    const resumes: [number, number][] = [];
    const resumed = await pushModel(client, journal, {
      file: path,
      kind: 'checkpoint',
      singlePut: false,
      onProgress: (p) => phases.push(p.phase),
      onResume: (stored, of) => resumes.push([stored, of]),
    });
    expect(resumed.sentParts.sort()).toEqual([3, 4]);
    expect(resumes).toEqual([[2, 4]]);
    expect(phases).not.toContain('hash');
    expect(await stored(sha256)).toBe(sha256);
  });

  it('hashes again when the file changed since the interrupted push', async () => {
    const { path } = await file('changing.bin', 2 * MiB);
    await journal.remember(path, { size: 2 * MiB, mtimeMs: 1, sha256: 'f'.repeat(64) });
    await utimes(path, new Date(), new Date());
    const result = await pushModel(client, journal, { file: path, kind: 'other' });
    expect(result.sha256).not.toBe('f'.repeat(64));
    expect(result.outcome).toBe('uploaded');
  });

  it('refuses a missing or empty file clearly', async () => {
    await expect(pushModel(client, journal, { file: join(dir, 'nope'), kind: 'lora' })).rejects.toThrow(
      /nope: no such file/,
    );
    const empty = join(dir, 'empty');
    await writeFile(empty, '');
    await expect(pushModel(client, journal, { file: empty, kind: 'lora' })).rejects.toThrow(
      /the file is empty/,
    );
  });
});
