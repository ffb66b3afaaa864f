import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchModel } from './index.js';
import { FileServer } from './test-support/file-server.js';
import type { FetchModelOptions } from './types.js';

const KiB = 1024;
let server: FileServer;
let cacheDir: string;

beforeEach(async () => {
  server = await new FileServer().start();
  cacheDir = await mkdtemp(join(tmpdir(), 'podpilot-adaptive-'));
});
afterEach(async () => {
  await server.close();
  await rm(cacheDir, { recursive: true, force: true });
});

/** fetchModel of `path` from the test server, adapting every 100 ms, with `tuning` on top. */
const fetchFrom = (path: string, sha256: string, tuning: Partial<FetchModelOptions>) =>
  fetchModel({
    cacheDir,
    sha256,
    name: path,
    source: { url: server.url(path) },
    adaptEveryMs: 100,
    ...tuning,
  });

describe('fetchModel adapts its connections to the server', () => {
  it('opens more connections while each adds throughput (a server capping every connection, as CDNs do)', async () => {
    // ~8 MiB/s per connection: whatever the machine's load, two connections carry about twice what one does.
    server.throttle = { bytes: 16 * KiB, everyMs: 2 };
    const { data, sha256 } = server.serveRandom('/m.bin', 12 << 20);
    const result = await fetchFrom('/m.bin', sha256, {
      connections: 8,
      initialConnections: 2,
      chunkSize: 256 * KiB,
    });
    expect((await readFile(result.path)).equals(data)).toBe(true);
    expect(server.peakRanges).toBeGreaterThanOrEqual(4);
    expect(server.peakRanges).toBeLessThanOrEqual(8);
  });

  it('gives up the connections a server refuses as too many (503) and finishes on the ones it allows', async () => {
    server.throttle = { bytes: 16 * KiB, everyMs: 2 }; // chunks take a while: refused retries would collide
    server.maxRanges = 3;
    const { data, sha256 } = server.serveRandom('/m.bin', 4 << 20);
    const result = await fetchFrom('/m.bin', sha256, {
      connections: 8,
      initialConnections: 8,
      chunkSize: 128 * KiB,
    });
    expect((await readFile(result.path)).equals(data)).toBe(true);
    // One refusal per connection beyond the three: each closed for good, its chunk fetched by another.
    expect(server.refusedRanges).toBeGreaterThan(0);
    expect(server.refusedRanges).toBeLessThanOrEqual(5);
    expect(server.peakRanges).toBe(3);
  });

  it('shares a capped server fairly between downloads running at once, and both finish', async () => {
    server.throttle = { bytes: 16 * KiB, everyMs: 2 };
    server.maxRanges = 4;
    const files = ['/a.bin', '/b.bin'].map((path) => ({ path, ...server.serveRandom(path, 3 << 20) }));
    const results = await Promise.all(
      files.map(({ path, sha256 }) =>
        fetchFrom(path, sha256, { connections: 8, initialConnections: 4, chunkSize: 128 * KiB }),
      ),
    );
    for (const [i, result] of results.entries())
      expect((await readFile(result.path)).equals(files[i]?.data ?? Buffer.alloc(0))).toBe(true);
    expect(server.peakRanges).toBe(4);
    // Each refusal takes a connection away and the learnt limit caps both: a handful of refusals, not a storm.
    expect(server.refusedRanges).toBeLessThanOrEqual(8);
  });
});
