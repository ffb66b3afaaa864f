import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { remoteSha256 } from './remote-model.js';

const SHA = 'a'.repeat(64);
let server: Server | undefined;
afterEach(async () => {
  const open = server;
  server = undefined;
  open?.closeAllConnections();
  if (open) await new Promise((resolve) => open.close(resolve));
});

/** A model site on loopback: `/lfs` redirects with the LFS sha256, `/plain` has none, `/down` fails. */
async function site(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url === '/lfs') res.writeHead(302, { location: '/cdn', 'x-linked-etag': `"${SHA}"` });
    else if (req.url === '/down') res.writeHead(503, { etag: `W/"${SHA.toUpperCase()}"` });
    else res.writeHead(200, { etag: '"not-a-sha"' });
    res.end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('remoteSha256', () => {
  it('reads the sha256 from the first answer without following its redirect', async () => {
    const { url, seen } = await site();
    expect(await remoteSha256(`${url}/lfs`)).toBe(SHA);
    expect(seen).toEqual(['HEAD /lfs']);
  });

  it('is null when the site names no sha256; reads it from an error answer too', async () => {
    const { url } = await site();
    expect(await remoteSha256(`${url}/plain`)).toBeNull();
    expect(await remoteSha256(`${url}/down`)).toBe(SHA);
  });
});
