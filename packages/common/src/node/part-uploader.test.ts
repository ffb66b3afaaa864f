import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartUploader } from './part-uploader.js';

/** A server that records each request line and Host header, and answers 200 with an ETag. */
async function recorder(): Promise<{ server: Server; port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
    });
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} host=${req.headers.host} bytes=${size}`);
      res.writeHead(200, { etag: '"e1"' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

describe('PartUploader through the hub proxy', () => {
  let proxy: Awaited<ReturnType<typeof recorder>>;
  let direct: Awaited<ReturnType<typeof recorder>>;
  beforeAll(async () => {
    proxy = await recorder();
    direct = await recorder();
  });
  afterAll(() => {
    proxy.server.close();
    direct.server.close();
  });

  it("sends the hub's own storage URLs to the proxy in absolute form, and every other URL directly", async () => {
    // The hub's tailnet name resolves nowhere but in the proxy (tailscaled's --outbound-http-proxy-listen).
    const hub = 'http://podpilot-hub.invalid:7300';
    const uploader = new PartUploader(2, 10_000, { origin: hub, proxy: `http://127.0.0.1:${proxy.port}` });
    const viaProxy = await uploader.put(`${hub}/storage/out/a.png?sig=1`, Buffer.from('hello'));
    expect(viaProxy).toMatchObject({ status: 200, etag: '"e1"' });
    expect(proxy.seen).toEqual([`PUT ${hub}/storage/out/a.png?sig=1 host=podpilot-hub.invalid:7300 bytes=5`]);

    await uploader.put(`http://127.0.0.1:${direct.port}/bucket/b.png?x=2`, Buffer.from('abc'));
    expect(direct.seen).toEqual([`PUT /bucket/b.png?x=2 host=127.0.0.1:${direct.port} bytes=3`]);
    expect(proxy.seen).toHaveLength(1);
  });
});
