import { createHash } from 'node:crypto';
import {
  appendFile,
  mkdir,
  mkdtemp,
  open,
  readFile,
  rm,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SyncStatus } from '@podpilot/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubConnection } from '../hub/hub-connection.js';
import { OutputSync, type OutputSyncOptions, SyncTimeoutError } from './sync-engine.js';
import { StubHub, StubStorage } from './test-support/stub-hub.js';
import type { OutputHub } from './types.js';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

let dir: string;
let root: string;
let journalPath: string;
let storage: StubStorage;
let hub: StubHub;
const engines: OutputSync[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podpilot-sync-'));
  root = join(dir, 'ComfyUI');
  journalPath = join(dir, 'state', 'outputs.journal');
  await mkdir(join(root, 'output'), { recursive: true });
  storage = await StubStorage.start();
  hub = new StubHub(storage);
});

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop();
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

async function startSync(options: Partial<OutputSyncOptions> = {}): Promise<OutputSync> {
  const engine = new OutputSync({
    root,
    folders: ['output/'],
    journalPath,
    hub,
    stableMs: 150,
    rescanMs: 300,
    retryBaseMs: 20,
    retryMaxMs: 200,
    ...options,
  });
  engines.push(engine);
  await engine.start();
  return engine;
}

async function write(rel: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(join(root, rel)), { recursive: true });
  await writeFile(join(root, rel), content);
}

/** Every file in the hub's index has exactly one version, with the bytes now on disk. */
async function expectSyncedOnce(paths: string[]): Promise<void> {
  for (const path of paths) {
    const versions = hub.index.get(path) ?? [];
    expect(
      versions.map((v) => v.version),
      path,
    ).toEqual([1]);
    expect(versions[0]?.sha256, path).toBe(sha(await readFile(join(root, path))));
  }
  expect(hub.problems).toEqual([]);
}

describe('OutputSync', () => {
  it('takes the HubConnection as its hub (checked by the type checker)', () => {
    const fits = (connection: HubConnection): OutputHub => connection;
    expect(fits).toBeTypeOf('function');
  });

  it('uploads a file still being written only once it is complete, with its final bytes', async () => {
    const engine = await startSync();
    // Held open for writing and paused longer than stableMs, like an encoder between frames.
    const video = await open(join(root, 'output', 'clip.mp4'), 'w');
    await video.write(Buffer.alloc(4096, 1));
    await sleep(500);
    expect(hub.presignedFiles).toBe(0);
    await video.write(Buffer.alloc(4096, 2));
    await video.close();
    // Appended in several steps, each well inside stableMs.
    for (let i = 0; i < 5; i++) {
      await appendFile(join(root, 'output', 'image.png'), `part ${i};`);
      await sleep(10);
    }
    const status = await engine.syncNow({ timeoutMs: 10_000 });
    expect(SyncStatus.parse(status)).toMatchObject({ backlogFiles: 0, syncedFiles: 2, lastError: null });
    await expectSyncedOnce(['output/clip.mp4', 'output/image.png']);
    expect(hub.latest('output/clip.mp4')?.sizeBytes).toBe(8192);
    expect(storage.putsOf('output/clip.mp4')).toBe(1);
  });

  it('uploads 500 files, each exactly once, some there at start and some made while running', async () => {
    const paths: string[] = [];
    for (let i = 0; i < 250; i++) {
      paths.push(`output/before/${i % 10}/img-${i}.png`);
      await write(paths[i] as string, `before ${i} ${'x'.repeat(i)}`);
    }
    const engine = await startSync();
    for (let i = 0; i < 250; i++) {
      paths.push(`output/after/${i % 7}/img-${i}.png`);
      await write(paths[250 + i] as string, `after ${i}`);
    }
    const status = await engine.syncNow({ timeoutMs: 20_000 });
    expect(status).toMatchObject({ backlogFiles: 0, backlogBytes: 0, syncedFiles: 500, lastError: null });
    expect(hub.index.size).toBe(500);
    await expectSyncedOnce(paths);
    expect([...storage.puts.values()].every((n) => n === 1)).toBe(true);
    expect(storage.puts.size).toBe(500);
    expect(Math.max(...hub.presigned.map((b) => b.length))).toBeLessThanOrEqual(200);
  });

  it('after a restart sends nothing already confirmed, and everything that was not', async () => {
    for (let i = 0; i < 20; i++) await write(`output/a/${i}.png`, `image ${i}`);
    await (await startSync()).syncNow({ timeoutMs: 10_000 });
    await engines.pop()?.stop();
    expect(hub.presignedFiles).toBe(20);

    // A kill while appending left a torn last line: it is cut, nothing else lost.
    await appendFile(journalPath, '{"p":"output/a/3.png","s":7,"m":1');
    const again = await startSync();
    await again.syncNow({ timeoutMs: 10_000 });
    expect(hub.presignedFiles).toBe(20);
    expect(storage.puts.size).toBe(20);
    await engines.pop()?.stop();

    // A kill after the hub confirmed but before the journal line was written: the file is asked again
    // (the hub knows it: `indexed`, no bytes sent), and only that file.
    const text = await readFile(journalPath, 'utf8');
    const lines = text.trimEnd().split('\n');
    await writeFile(journalPath, `${lines.slice(0, -1).join('\n')}\n`);
    const forgotten = JSON.parse(lines.at(-1) as string).p as string;
    const third = await startSync();
    const status = await third.syncNow({ timeoutMs: 10_000 });
    expect(hub.presigned.at(-1)?.map((f) => f.path)).toEqual([forgotten]);
    expect(storage.puts.size).toBe(20);
    expect(status).toMatchObject({ backlogFiles: 0, syncedFiles: 1 });
  });

  it('stopped mid-burst, the journal holds confirmed files only; a restart sends the rest', async () => {
    storage.onPut = () => sleep(5);
    const paths = Array.from({ length: 200 }, (_, i) => `output/burst/${i}.png`);
    for (const p of paths) await write(p, `burst ${p}`);
    const engine = await startSync({ parallel: 4 });
    await until('some confirmations', () => engine.status().syncedFiles >= 20);
    await engine.stop();
    const lines = (await readFile(journalPath, 'utf8')).trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(20);
    for (const line of lines) {
      const { p, h, v } = JSON.parse(line) as { p: string; h: string; v: number };
      expect(hub.index.get(p)?.find((x) => x.version === v)?.sha256, p).toBe(h);
    }
    storage.onPut = null;
    const status = await (await startSync()).syncNow({ timeoutMs: 10_000 });
    expect(status.syncedFiles).toBe(200 - lines.length);
    await expectSyncedOnce(paths);
  });

  it('uploads a rewritten file again as a new version; a touched one is only re-indexed', async () => {
    const engine = await startSync();
    await write('output/a.png', 'first');
    await write('output/b.png', 'same bytes');
    await engine.syncNow({ timeoutMs: 10_000 });
    await write('output/a.png', 'second, longer');
    const later = new Date(Date.now() + 5000);
    await utimes(join(root, 'output/b.png'), later, later);
    await engine.syncNow({ timeoutMs: 10_000 });
    expect(hub.index.get('output/a.png')?.map((v) => [v.version, v.sha256])).toEqual([
      [1, sha('first')],
      [2, sha('second, longer')],
    ]);
    expect(hub.index.get('output/b.png')?.length).toBe(1);
    expect(storage.putsOf('output/b.png')).toBe(1);
    expect(hub.problems).toEqual([]);
  });

  it('loses nothing while storage answers 503, and drains when it is back', async () => {
    storage.failStatus = 503;
    const paths = Array.from({ length: 30 }, (_, i) => `output/${i}.png`);
    for (const p of paths) await write(p, `bytes of ${p}`);
    const engine = await startSync();
    await until('failed uploads', () => storage.failed >= 40);
    expect(engine.status()).toMatchObject({ backlogFiles: 30, syncedFiles: 0 });
    expect(engine.status().lastError).toMatch(/storage unavailable: .*503/);
    expect(hub.confirms).toEqual([]);
    storage.failStatus = null;
    const status = await engine.syncNow({ timeoutMs: 10_000 });
    expect(status).toMatchObject({ backlogFiles: 0, syncedFiles: 30, lastError: null });
    await expectSyncedOnce(paths);
  });

  it('loses nothing while storage is stopped (connections refused), and drains by itself when it is back', async () => {
    let inFlight = 0;
    storage.onPut = async () => {
      inFlight++;
      await sleep(300);
      inFlight--;
    };
    const engine = await startSync({ parallel: 4 });
    const paths: string[] = [];
    for (let i = 0; i < 6; i++) {
      paths.push(`output/before/${i}.png`);
      await write(paths[i] as string, `before ${i}`);
    }
    await until('uploads in flight', () => inFlight >= 2);
    // A real outage: the listener closes and every connection dies, uploads in flight included.
    await storage.stop();
    for (let i = 0; i < 20; i++) {
      paths.push(`output/outage/${i}.png`);
      await write(`output/outage/${i}.png`, `outage ${i} ${'y'.repeat(i * 100)}`);
    }
    await until('refused uploads', () =>
      /storage unavailable: .*ECONNREFUSED/.test(engine.status().lastError ?? ''),
    );
    await sleep(500); // a few failed attempts, the gate backing off
    expect(engine.status().backlogFiles).toBeGreaterThan(0);
    storage.onPut = null;
    await storage.restart();
    await until('the backlog to drain by itself', () => engine.status().syncedFiles === paths.length);
    const status = await engine.syncNow({ timeoutMs: 5000 });
    expect(status).toMatchObject({ backlogFiles: 0, syncedFiles: paths.length, lastError: null });
    await expectSyncedOnce(paths);
  });

  it('retries by itself when a full upload stage holds presign back while storage is down', async () => {
    await storage.stop();
    // More than one presign batch (200): the upload stage fills up, the rest waits for presign.
    const paths = Array.from({ length: 260 }, (_, i) => `output/many/${i % 5}/${i}.png`);
    for (const p of paths) await write(p, `bytes of ${p}`);
    const engine = await startSync({ retryMaxMs: 300 });
    await until('refused uploads', () =>
      /storage unavailable: .*ECONNREFUSED/.test(engine.status().lastError ?? ''),
    );
    await until('a full upload stage', () => hub.presignedFiles >= 200);
    await sleep(400); // the storage gate closed, then due again: something must wake the uploads
    await storage.restart();
    await until('the backlog to drain by itself', () => engine.status().lastError === null);
    expect(engine.status()).toMatchObject({ backlogFiles: 0, syncedFiles: paths.length });
    await expectSyncedOnce(paths);
  });

  it('retries storage when its backoff is due, and at once on syncNow however long the backoff', async () => {
    await storage.stop();
    const paths = ['output/a.png', 'output/b.png', 'output/c.png'];
    for (const p of paths) await write(p, `bytes of ${p}`);
    const engine = await startSync({ retryBaseMs: 1000, retryMaxMs: 1000 });
    await until('refused uploads', () => /ECONNREFUSED/.test(engine.status().lastError ?? ''));
    await storage.restart();
    // The gate closed for 0.5–1 s at the failure: the retry comes by then, with no syncNow.
    await until('the retry after the backoff', () => engine.status().syncedFiles === 3, 1500);
    await engines.pop()?.stop();

    await storage.stop();
    await write('output/d.png', 'd');
    const slow = await startSync({ retryBaseMs: 60_000, retryMaxMs: 60_000 });
    await until('refused uploads', () => /ECONNREFUSED/.test(slow.status().lastError ?? ''));
    await storage.restart();
    const status = await slow.syncNow({ timeoutMs: 3000 });
    expect(status).toMatchObject({ backlogFiles: 0, syncedFiles: 1, lastError: null });
    await expectSyncedOnce([...paths, 'output/d.png']);
  });

  it('waits out a hub outage, keeping uploaded files for confirmation', async () => {
    // The hub goes away once the bytes are in storage, before it could confirm them.
    storage.onPut = () => {
      hub.down = true;
    };
    const engine = await startSync();
    await write('output/one.png', 'one');
    await until('the outage to show', () => /hub unavailable/.test(engine.status().lastError ?? ''));
    storage.onPut = null;
    await write('output/two.png', 'two');
    await sleep(300);
    expect(engine.status()).toMatchObject({ syncedFiles: 0 });
    hub.down = false;
    const status = await engine.syncNow({ timeoutMs: 10_000 });
    expect(status).toMatchObject({ backlogFiles: 0, syncedFiles: 2, lastError: null });
    await expectSyncedOnce(['output/one.png', 'output/two.png']);
    expect(storage.putsOf('output/one.png')).toBe(1);
  });

  it('a file the hub refuses holds back no other file', async () => {
    hub.refusePath = 'output/poison.png';
    const paths = Array.from({ length: 10 }, (_, i) => `output/ok-${i}.png`);
    for (const p of [...paths, 'output/poison.png']) await write(p, p);
    const engine = await startSync();
    const error = await engine.syncNow({ timeoutMs: 1500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncTimeoutError);
    expect((error as SyncTimeoutError).status).toMatchObject({ backlogFiles: 1, syncedFiles: 10 });
    expect((error as SyncTimeoutError).status.lastError).toMatch(/refused to presign "?output\/poison.png/);
    await expectSyncedOnce(paths);
  });

  it('sends big files in parts', async () => {
    hub.multipartOver = 300_000;
    hub.partSize = 128 * 1024;
    const big = Buffer.alloc(1_000_001);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
    await write('output/video.mp4', big);
    const engine = await startSync();
    await engine.syncNow({ timeoutMs: 10_000 });
    await expectSyncedOnce(['output/video.mp4']);
    expect(storage.parts.size).toBe(1);
    expect([...storage.parts.values()][0]?.size).toBe(8);
  });

  it('never confirms a file that changed after it was hashed', async () => {
    await write('output/a.png', 'draft');
    await write('output/b.png', 'draft b');
    let once = true;
    hub.onPresign = async (files) => {
      // Between hash and upload:
      if (once && files.some((f) => f.path === 'output/a.png')) {
        once = false;
        await appendFile(join(root, 'output/a.png'), ' and more');
      }
    };
    let during = true;
    storage.onPut = async (key) => {
      // During the upload, before storage answers:
      if (during && key.startsWith('output/b.png#')) {
        during = false;
        await writeFile(join(root, 'output/b.png'), 'final b, longer');
      }
    };
    const engine = await startSync();
    await engine.syncNow({ timeoutMs: 10_000 });
    await expectSyncedOnce(['output/a.png', 'output/b.png']);
    expect(hub.latest('output/a.png')?.sha256).toBe(sha('draft and more'));
    expect(hub.latest('output/b.png')?.sha256).toBe(sha('final b, longer'));
    expect([once, during]).toEqual([false, false]);
    // The first upload of b held the old bytes: stored, never confirmed.
    expect(storage.putsOf('output/b.png')).toBe(2);
  });

  it('skips temp and dot files, and reports files whose names the hub cannot take', async () => {
    await write('output/good.png', 'good');
    await write('output/.hidden.png', 'x');
    await write('output/.cache/inner.png', 'x');
    await write('output/render.png.tmp', 'x');
    await write('output/download.part', 'x');
    await write('output/back\\slash.png', 'x');
    await write('output/bell\u0007.png', 'x');
    const engine = await startSync();
    const status = await engine.syncNow({ timeoutMs: 10_000 });
    expect([...hub.index.keys()]).toEqual(['output/good.png']);
    expect(status.backlogFiles).toBe(0);
    expect(status.lastError).toMatch(/^2 file\(s\) cannot be synced/);
  });

  it('syncNow times out while storage is down, and says what is left', async () => {
    storage.failStatus = 503;
    await write('output/a.png', 'a');
    const engine = await startSync();
    const error = await engine.syncNow({ timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncTimeoutError);
    expect((error as SyncTimeoutError).status.backlogFiles).toBe(1);
    const aborted = engine.syncNow({ signal: AbortSignal.timeout(50) });
    await expect(aborted).rejects.toThrow();
  });

  it('finds files without watches, by rescanning, and a file replaced by a truncated one', async () => {
    const engine = await startSync({ watch: false, rescanMs: 100 });
    await write('output/x/late.png', 'late');
    await until('the rescan', () => engine.status().syncedFiles === 1);
    await truncate(join(root, 'output/x/late.png'), 2);
    await until('the second version', () => hub.index.get('output/x/late.png')?.length === 2);
    expect(hub.latest('output/x/late.png')?.sha256).toBe(sha('la'));
  });
});
