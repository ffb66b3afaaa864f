import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { spawnFetch } from './test-support/child.js';
import { FileServer } from './test-support/file-server.js';
import { TEST_CERT, TEST_KEY } from './test-support/tls-fixture.js';

let server: FileServer;
let dir: string;

beforeEach(async () => {
  server = await new FileServer().start({ key: TEST_KEY, cert: TEST_CERT });
  dir = await mkdtemp(join(tmpdir(), 'podpilot-https-'));
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

// In a child process: Node reads NODE_EXTRA_CA_CERTS (the test's own certificate) only at start-up.
it('downloads over https, ranges included, with the certificate verified', async () => {
  const { data, sha256 } = server.serveRandom('/m.bin', 700 * 1024 + 5);
  server.redirects.set('/resolve/m.bin', server.url('/m.bin', 'localhost'));
  const ca = join(dir, 'ca.pem');
  await writeFile(ca, TEST_CERT);
  const cacheDir = join(dir, 'cache');
  const source = { url: server.url('/resolve/m.bin', 'localhost'), headers: { authorization: 'Bearer t' } };
  const child = spawnFetch(
    { cacheDir, sha256, name: 'm', source, connections: 3, chunkSize: 64 * 1024 },
    { NODE_EXTRA_CA_CERTS: ca },
  );
  const result = await child.result();
  expect((await readFile(result.path)).equals(data)).toBe(true);
  expect(server.requests.filter((r) => r.range && r.range !== 'bytes=0-0').length).toBe(11);
  expect(server.requests.every((r) => r.authorization === 'Bearer t')).toBe(true); // same origin all along
});

it('refuses a server whose certificate it cannot verify', async () => {
  const { sha256 } = server.serveRandom('/m.bin', 1024);
  const child = spawnFetch({
    cacheDir: join(dir, 'cache'),
    sha256,
    name: 'm',
    source: { url: server.url('/m.bin') },
  });
  await expect(child.result()).rejects.toThrow(/certificate/i);
});
