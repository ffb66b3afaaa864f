import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { appWithOwner, asOwner, type OwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { COMPRESSIBLE } from './compression.js';

const SCRIPT = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `word-${i}`))};\n`;
const PAGE = `<!doctype html><title>PodPilot</title>${'<p>page</p>'.repeat(200)}`;

describe('compression', () => {
  const [pglite] = testDatabases();
  let db: Db;
  let hub: OwnerHub;
  let webDir: string;
  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'podpilot-web-'));
    await mkdir(join(webDir, 'assets'));
    // As the build writes them (apps/web/precompress.ts): the file, then its .br and .gz.
    for (const [name, text] of [
      ['index.html', PAGE],
      ['assets/app-1234.js', SCRIPT],
    ] as const) {
      await writeFile(join(webDir, name), text);
      await writeFile(join(webDir, `${name}.br`), brotliCompressSync(text));
      await writeFile(join(webDir, `${name}.gz`), gzipSync(text));
    }
    db = await (pglite?.open() as Promise<Db>);
    hub = await appWithOwner(db, { webDir });
  });
  afterAll(async () => {
    await hub?.close();
    await db?.close();
    await rm(webDir, { recursive: true, force: true });
  });

  const get = (url: string, acceptEncoding?: string) =>
    hub.app.inject({
      method: 'GET',
      url,
      headers: { ...asOwner(hub.cookie), ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) },
    });

  it('serves the precompressed asset the browser accepts, and the plain one otherwise', async () => {
    const br = await get('/assets/app-1234.js', 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('accept-encoding');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(SCRIPT);
    const gz = await get('/assets/app-1234.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(SCRIPT);
    const plain = await get('/assets/app-1234.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
    // A deep link gets the page, compressed too.
    const page = await get('/instances/abc', 'br');
    expect(page.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(page.rawPayload).toString()).toBe(PAGE);
  });

  it('compresses large API answers for a client that accepts it, never small ones', async () => {
    const big = await get('/api/openapi.json', 'gzip');
    expect(big.statusCode).toBe(200);
    expect(big.headers['content-encoding']).toBe('gzip');
    const spec = JSON.parse(gunzipSync(big.rawPayload).toString()) as { openapi: string };
    expect(spec.openapi).toMatch(/^3\./);
    const identity = await get('/api/openapi.json');
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.rawPayload.length).toBeGreaterThan(big.rawPayload.length * 3);
    const small = await get('/health', 'gzip, br');
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('compresses JSON, YAML and plain text; never event streams, pages, downloads or images', () => {
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'application/problem+json',
      'application/yaml',
      'text/plain; charset=utf-8',
    ])
      expect(COMPRESSIBLE.test(type), type).toBe(true);
    for (const type of [
      'text/event-stream',
      'text/html',
      'application/octet-stream',
      'image/png',
      'application/zip',
    ])
      expect(COMPRESSIBLE.test(type), type).toBe(false);
  });
});
