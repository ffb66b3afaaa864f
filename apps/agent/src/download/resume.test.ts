import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchModel } from './index.js';
import { type JournalState, readJournal } from './journal.js';
import { spawnFetch } from './test-support/child.js';
import { FileServer } from './test-support/file-server.js';

const CHUNK = 64 * 1024;
const CONNECTIONS = 4;
const SIZE = 64 * CHUNK + 1000;

let server: FileServer;
let cacheDir: string;

beforeEach(async () => {
  server = await new FileServer().start();
  cacheDir = await mkdtemp(join(tmpdir(), 'podpilot-resume-'));
});
afterEach(async () => {
  await server.close();
  await rm(cacheDir, { recursive: true, force: true });
});

/** Bytes a journal does not record (whole chunks and prefixes): what a resumed call must fetch (+1 for its probe). */
const missingBytes = (journal: JournalState | null) =>
  SIZE -
  [...(journal?.done ?? [])].reduce((sum, i) => sum + Math.min(CHUNK, SIZE - i * CHUNK), 0) -
  [...(journal?.prefixes.values() ?? [])].reduce((sum, bytes) => sum + bytes, 0);

/** Both calls' probes (one byte each): not a refetch. */
const PROBES = 2;

/**
 * A slow network (1 KiB per ms per connection: a chunk takes ~64 ms) whose connections are out of step
 * (each range waits 0-48 ms first), so that when one connection asks for its next chunk the others are in
 * the middle of theirs. Stopping the client right when a request arrives also means it is running then,
 * not stalled with bytes piling up in its socket buffers (those would be lost by any client).
 */
function slowAndStaggered() {
  server.throttle = { bytes: 1024, everyMs: 1 };
  server.delayMs = (start) => ((start / CHUNK) % CONNECTIONS) * 16;
}

/** Calls `stop` when a range request arrives after `chunks` ranges were served. */
function stopAfter(chunks: number, stop: () => void) {
  server.onRangeRequest = () => {
    if (server.chunksServed < chunks) return;
    server.onRangeRequest = undefined;
    stop();
  };
}

/** Back to full speed, once the sends cut short by the stop have ended (nothing more counts for that call). */
async function fullSpeed() {
  server.onRangeRequest = undefined;
  server.throttle = undefined;
  server.delayMs = 0;
  await server.settled();
}

const journalOf = (sha256: string) => readJournal(join(cacheDir, 'tmp', `${sha256}.part.journal`));

function options(sha256: string, signal?: AbortSignal) {
  const source = { url: server.url('/m.bin') };
  return { cacheDir, sha256, name: 'm', source, connections: CONNECTIONS, chunkSize: CHUNK, signal };
}

/** Downloads (slowly) until the server has served `chunks` ranges, then aborts mid-chunk; returns the journal. */
async function interruptAfter(sha256: string, chunks: number) {
  const controller = new AbortController();
  slowAndStaggered();
  stopAfter(chunks, () => controller.abort());
  await expect(fetchModel(options(sha256, controller.signal))).rejects.toMatchObject({ name: 'AbortError' });
  await fullSpeed();
  const journal = await journalOf(sha256);
  expect(journal?.done.size).toBeGreaterThan(0);
  expect(journal?.done.size).toBeLessThan(64);
  return journal;
}

describe('fetchModel resume', () => {
  it('after an abort, fetches only what is missing: less than one chunk again in all', async () => {
    const { data, sha256 } = server.serveRandom('/m.bin', SIZE, { etag: '"v1"' });
    const journal = await interruptAfter(sha256, 20);
    expect(journal?.prefixes.size).toBeGreaterThan(0); // chunks in flight were saved in part
    const firstCall = server.bytesSent;
    const result = await fetchModel(options(sha256));
    expect((await readFile(result.path)).equals(data)).toBe(true);
    expect(result.fetchedBytes).toBe(missingBytes(journal) + 1); // no recorded byte fetched again
    expect(server.bytesSent - firstCall).toBe(result.fetchedBytes);
    // Bytes sent twice over both calls, all connections together.
    expect(server.bytesSent - SIZE - PROBES).toBeLessThan(CHUNK);
    expect(await journalOf(sha256)).toBeNull();
  });

  it('after a SIGKILL of the downloading process, resumes and fetches less than one chunk again in all', async () => {
    const { data, sha256 } = server.serveRandom('/m.bin', SIZE, { lastModified: new Date(0).toUTCString() });
    slowAndStaggered(); // slow enough to be killed in the middle
    const { signal: _, ...opts } = options(sha256);
    const child = spawnFetch(opts);
    stopAfter(25, () => child.process.kill('SIGKILL'));
    const { code, signal, stderr } = await child.exited;
    expect({ code, signal, stderr }).toMatchObject({ code: null, signal: 'SIGKILL' });
    await fullSpeed();
    const firstCall = server.bytesSent;
    const journal = await journalOf(sha256);
    expect(journal?.done.size).toBeGreaterThanOrEqual(20);
    expect(journal?.prefixes.size).toBeGreaterThan(0);

    const result = await fetchModel(options(sha256));
    expect((await readFile(result.path)).equals(data)).toBe(true);
    expect(result.cached).toBe(false);
    expect(server.bytesSent - firstCall).toBe(result.fetchedBytes);
    expect(result.fetchedBytes).toBe(missingBytes(journal) + 1);
    expect(server.bytesSent - SIZE - PROBES).toBeLessThan(CHUNK);
  });

  it('starts over when the ETag changed since the interruption', async () => {
    const { data, sha256 } = server.serveRandom('/m.bin', SIZE, { etag: '"v1"' });
    await interruptAfter(sha256, 10);
    server.files.set('/m.bin', { data, etag: '"v2"' });
    const result = await fetchModel(options(sha256));
    expect(result.fetchedBytes).toBe(SIZE + 1);
    expect((await readFile(result.path)).equals(data)).toBe(true);
  });

  it('starts over when the size changed, and then verifies the new file', async () => {
    const first = server.serveRandom('/m.bin', SIZE);
    await interruptAfter(first.sha256, 10);
    const second = server.serveRandom('/m.bin', SIZE - 5000);
    // Same cache key, different bytes: the download must not splice old chunks into the new file.
    await expect(fetchModel(options(first.sha256))).rejects.toThrow(second.sha256);
  });

  it('starts over by itself when resumed bytes turn out wrong (a power loss can lose recorded chunks)', async () => {
    const { data, sha256 } = server.serveRandom('/m.bin', SIZE, { etag: '"v1"' });
    const journal = await interruptAfter(sha256, 10);
    const lost = [...(journal?.done ?? [])][0] ?? 0;
    const part = await open(join(cacheDir, 'tmp', `${sha256}.part`), 'r+');
    await part.write(Buffer.alloc(CHUNK), 0, CHUNK, lost * CHUNK); // recorded, but zeros on disk
    await part.close();
    const result = await fetchModel(options(sha256));
    expect((await readFile(result.path)).equals(data)).toBe(true);
    expect(result.fetchedBytes).toBe(missingBytes(journal) + 1 + SIZE + 1);
  });

  it('keeps the chunk size it started with when resumed with another', async () => {
    const { data, sha256 } = server.serveRandom('/m.bin', SIZE);
    const journal = await interruptAfter(sha256, 12);
    const result = await fetchModel({ ...options(sha256), chunkSize: 3 * CHUNK });
    expect((await readFile(result.path)).equals(data)).toBe(true);
    expect(result.fetchedBytes).toBe(missingBytes(journal) + 1);
  });
});
