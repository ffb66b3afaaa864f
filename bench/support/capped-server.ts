import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How a CDN limits one client: bytes per second per connection, and requests served at once (503 beyond). */
export interface ServerCaps {
  mibPerSecondPerConnection: number;
  connections: number;
}

export interface CappedServer {
  url: (file: string) => string;
  stop: () => Promise<void>;
}

/** Bytes per paced write: 64 KiB, so a connection at 8 MiB/s writes every ~8 ms (no burst to speak of). */
const PIECE = 64 << 10;

/**
 * Serves the files under `root` on 127.0.0.1 the way a CDN treats one client: each TCP connection carries at
 * most `mibPerSecondPerConnection` (paced across the requests it carries, so a new Range request on a
 * kept-alive connection gets no fresh allowance), and more than `connections` requests at once are refused
 * with 503 (as nginx's `limit_conn` does). Why not nginx's `limit_rate`: it grants every request a one-second
 * allowance (rate x (elapsed + 1)), so 4 MiB ranges at 8 MiB/s pass at full speed — measured 208 MiB/s against
 * a 128 MiB/s cap — which says nothing about a CDN.
 */
export async function startCappedServer(root: string, caps: ServerCaps): Promise<CappedServer> {
  const rate = caps.mibPerSecondPerConnection * 2 ** 20;
  /** When each connection may send its next piece (ms, performance.now()). */
  const nextSend = new WeakMap<Socket, number>();
  let serving = 0;
  const server = createServer((req, res) => {
    if (serving >= caps.connections) return void res.writeHead(503).end('too many connections');
    serving++;
    serve(req, res)
      .catch(() => res.destroy())
      .finally(() => serving--);
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    const file = await open(join(root, name)).catch(() => null);
    if (!file || name.includes('/')) return void res.writeHead(404).end();
    try {
      const size = (await file.stat()).size;
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      const end = range?.[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start > end) return void res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      res.writeHead(range ? 206 : 200, {
        'accept-ranges': 'bytes',
        'content-length': end - start + 1,
        ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
      });
      if (req.method === 'HEAD') return void res.end();
      await paced(file, start, end + 1, res);
    } finally {
      await file.close();
    }
  }

  async function paced(
    file: Awaited<ReturnType<typeof open>>,
    from: number,
    to: number,
    res: ServerResponse,
  ) {
    const socket = res.socket as Socket;
    let gone = false; // the client closed the connection: stop (a write would wait for a drain forever)
    res.once('close', () => {
      gone = true;
    });
    for (let at = from; at < to && !gone; ) {
      const due = nextSend.get(socket) ?? 0;
      const now = performance.now();
      if (due > now) await sleep(due - now);
      const piece = Buffer.allocUnsafe(Math.min(PIECE, to - at));
      const { bytesRead } = await file.read(piece, 0, piece.length, at);
      at += bytesRead;
      nextSend.set(socket, Math.max(due, now) + (bytesRead / rate) * 1000);
      if (!gone && !res.write(piece.subarray(0, bytesRead))) await drained(res);
    }
    res.end();
  }

  /** Resolves when the response may take more, or the client went away. */
  const drained = (res: ServerResponse) =>
    new Promise<void>((resume) => {
      if (res.closed) return resume();
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resume();
      };
      res.on('drain', done);
      res.on('close', done);
    });

  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: (file) => `http://127.0.0.1:${port}/${file}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
