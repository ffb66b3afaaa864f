import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError, type DownloadProgress, fetchModel, HashMismatchError } from './index.js';
import { FileServer } from './test-support/file-server.js';

const KiB = 1024;
let server: FileServer;
let cacheDir: string;

beforeEach(async () => {
  server = await new FileServer().start();
  cacheDir = await mkdtemp(join(tmpdir(), 'podpilot-download-'));
});
afterEach(async () => {
  await server.close();
  await rm(cacheDir, { recursive: true, force: true });
});

const tmpFiles = () => readdir(join(cacheDir, 'tmp')).catch(() => []);

describe('fetchModel', () => {
  it('downloads in parallel ranges, verifies and moves the file into the cache', async () => {
    const size = 1024 * KiB + 123; // not a whole number of chunks
    const { data, sha256 } = server.serveRandom('/m.safetensors', size, { etag: '"v1"' });
    const progress: DownloadProgress[] = [];
    const result = await fetchModel({
      cacheDir,
      sha256,
      name: 'sdxl-base',
      source: { url: server.url('/m.safetensors') },
      connections: 4,
      chunkSize: 64 * KiB,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toEqual({
      path: join(cacheDir, 'sha256', sha256),
      sizeBytes: size,
      fetchedBytes: size + 1, // + the probe's one byte
      cached: false,
    });
    expect((await readFile(result.path)).equals(data)).toBe(true);
    expect(await tmpFiles()).toEqual([]);
    expect(progress.at(-1)).toMatchObject({ doneBytes: size, totalBytes: size });
    const ranges = server.requests.filter((r) => r.range && r.range !== 'bytes=0-0');
    expect(ranges).toHaveLength(Math.ceil(size / (64 * KiB)));
  });

  it('answers from the cache without any request the second time', async () => {
    const { sha256 } = server.serveRandom('/m.bin', 200 * KiB);
    const opts = { cacheDir, sha256, name: 'm', source: { url: server.url('/m.bin') }, chunkSize: 64 * KiB };
    await fetchModel(opts);
    const before = server.requests.length;
    const again = await fetchModel(opts);
    expect(again).toMatchObject({ cached: true, fetchedBytes: 0, sizeBytes: 200 * KiB });
    expect(server.requests.length).toBe(before);
  });

  it('fetches once when the same model is asked for twice at the same time', async () => {
    const { sha256 } = server.serveRandom('/m.bin', 300 * KiB);
    const opts = { cacheDir, sha256, name: 'm', source: { url: server.url('/m.bin') }, chunkSize: 64 * KiB };
    const [a, b] = await Promise.all([fetchModel(opts), fetchModel(opts)]);
    expect([a.cached, b.cached].sort()).toEqual([false, true]);
    expect(server.bytesSent).toBe(300 * KiB + 1);
  });

  it('throws HashMismatchError naming the model and both hashes, and keeps nothing', async () => {
    const { data } = server.serveRandom('/bad.bin', 300 * KiB);
    const expected = createHash('sha256').update('something else').digest('hex');
    const actual = createHash('sha256').update(data).digest('hex');
    const error = await fetchModel({
      cacheDir,
      sha256: expected,
      name: 'corrupt-lora',
      source: { url: server.url('/bad.bin') },
      chunkSize: 64 * KiB,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HashMismatchError);
    const message = (error as Error).message;
    for (const part of ['corrupt-lora', expected, actual]) expect(message).toContain(part);
    expect(await readdir(join(cacheDir, 'sha256'))).toEqual([]);
    expect(await tmpFiles()).toEqual([]);
  });

  it('retries a chunk after 5xx, 429 (Retry-After) and a connection reset', async () => {
    const chunk = 64 * KiB;
    const { data, sha256 } = server.serveRandom('/flaky.bin', 10 * chunk);
    server.inject({ path: '/flaky.bin', rangeStart: 2 * chunk, kind: 503, times: 2 });
    server.inject({ path: '/flaky.bin', rangeStart: 4 * chunk, kind: 429, retryAfter: '0' });
    server.inject({ path: '/flaky.bin', rangeStart: 6 * chunk, kind: 'reset' });
    server.inject({ path: '/flaky.bin', kind: 500 }); // the probe
    const result = await fetchModel({
      cacheDir,
      sha256,
      name: 'flaky',
      source: { url: server.url('/flaky.bin') },
      connections: 3,
      chunkSize: chunk,
    });
    expect((await readFile(result.path)).equals(data)).toBe(true);
    const starts = server.requests.map((r) => r.range);
    expect(starts.filter((r) => r === `bytes=${2 * chunk}-${3 * chunk - 1}`)).toHaveLength(3);
    expect(starts.filter((r) => r === `bytes=${4 * chunk}-${5 * chunk - 1}`)).toHaveLength(2);
    // After a reset mid-chunk, only what is missing is asked for again.
    const resumed = starts.map((r) => Number(/^bytes=(\d+)-/.exec(r ?? '')?.[1]));
    expect(resumed.some((start) => start > 6 * chunk && start < 7 * chunk)).toBe(true);
  });

  it('opens a new connection when the server closes each one', async () => {
    const { data, sha256 } = server.serveRandom('/m.bin', 300 * KiB);
    server.closeEach = true;
    const result = await fetchModel({
      cacheDir,
      sha256,
      name: 'm',
      source: { url: server.url('/m.bin') },
      connections: 2,
      chunkSize: 32 * KiB,
    });
    expect((await readFile(result.path)).equals(data)).toBe(true);
    expect(result.fetchedBytes).toBe(300 * KiB + 1);
  });

  it('rejects with the abort reason when aborted, and keeps the part for a resume', async () => {
    const { sha256 } = server.serveRandom('/m.bin', 300 * KiB);
    const controller = new AbortController();
    controller.abort();
    const opts = {
      cacheDir,
      sha256,
      name: 'm',
      source: { url: server.url('/m.bin') },
      signal: controller.signal,
    };
    await expect(fetchModel(opts)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fails fast on a 4xx, naming the model and the URL but not the token', async () => {
    const { sha256 } = server.serveRandom('/other.bin', KiB);
    const error = await fetchModel({
      cacheDir,
      sha256,
      name: 'gated-model',
      source: { url: server.url('/missing.bin?token=s3cret'), headers: { authorization: 'Bearer s3cret' } },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    const message = (error as Error).message;
    expect(message).toContain('gated-model');
    expect(message).toContain('404');
    expect(message).toContain(server.url('/missing.bin'));
    expect(message).not.toContain('s3cret');
    expect(server.requests).toHaveLength(1);
  });

  it('falls back to one sequential stream when the server ignores Range', async () => {
    const { data, sha256 } = server.serveRandom('/plain.bin', 700 * KiB, { ranges: false });
    const result = await fetchModel({
      cacheDir,
      sha256,
      name: 'plain',
      source: { url: server.url('/plain.bin') },
      chunkSize: 64 * KiB,
    });
    expect((await readFile(result.path)).equals(data)).toBe(true);
    expect(result.fetchedBytes).toBe(700 * KiB); // the probe's response was the download
    expect(server.requests).toHaveLength(1);
  });

  it('falls back to a sequential stream without Content-Length, and retries it from the start', async () => {
    const { data, sha256 } = server.serveRandom('/chunked.bin', 500 * KiB, { chunked: true });
    server.inject({ path: '/chunked.bin', kind: 503 });
    const result = await fetchModel({
      cacheDir,
      sha256,
      name: 'chunked',
      source: { url: server.url('/chunked.bin') },
    });
    expect((await readFile(result.path)).equals(data)).toBe(true);
    expect(result.sizeBytes).toBe(500 * KiB);
  });

  it('downloads an empty file', async () => {
    const { sha256 } = server.serveRandom('/empty.bin', 0);
    const result = await fetchModel({
      cacheDir,
      sha256,
      name: 'empty',
      source: { url: server.url('/empty.bin') },
    });
    expect(result).toMatchObject({ sizeBytes: 0, cached: false });
  });

  it('follows a redirect to another host without sending it the Authorization header', async () => {
    const { data, sha256 } = server.serveRandom('/cdn/m.bin', 400 * KiB);
    server.redirects.set('/resolve/m.bin', server.url('/cdn/m.bin', 'localhost'));
    const result = await fetchModel({
      cacheDir,
      sha256,
      name: 'hf-model',
      source: {
        url: server.url('/resolve/m.bin'),
        headers: { Authorization: 'Bearer hf_secret', 'X-Api-Key': 'k' },
      },
      connections: 4,
      chunkSize: 64 * KiB,
    });
    expect((await readFile(result.path)).equals(data)).toBe(true);
    const [first, ...rest] = server.requests;
    expect(first).toMatchObject({ path: '/resolve/m.bin', authorization: 'Bearer hf_secret' });
    expect(rest.length).toBeGreaterThan(4);
    for (const r of rest) {
      expect(r.host.startsWith('localhost:')).toBe(true); // ranges go to the final URL
      expect(r.authorization).toBeUndefined();
      expect(r.headers['x-api-key']).toBeUndefined();
    }
  });

  it('keeps the headers on a redirect within the same host', async () => {
    const { sha256 } = server.serveRandom('/files/m.bin', 100 * KiB);
    server.redirects.set('/go', server.url('/files/m.bin'));
    await fetchModel({
      cacheDir,
      sha256,
      name: 'm',
      source: { url: server.url('/go'), headers: { authorization: 'Bearer t' } },
      chunkSize: 64 * KiB,
    });
    expect(server.requests.every((r) => r.authorization === 'Bearer t')).toBe(true);
  });

  it('gives up on a redirect loop', async () => {
    server.redirects.set('/a', server.url('/b'));
    server.redirects.set('/b', server.url('/a'));
    await expect(
      fetchModel({ cacheDir, sha256: 'a'.repeat(64), name: 'loop', source: { url: server.url('/a') } }),
    ).rejects.toThrow(/loop.*redirects/);
  });
});
