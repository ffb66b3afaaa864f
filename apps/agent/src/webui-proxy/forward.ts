import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';

/** Where the WebUI listens (loopback). */
export interface Target {
  host: string;
  port: number;
}

/** `raw` (Node's rawHeaders: name, value, name, value…) with the Cookie header replaced by `cookie` (dropped when null). */
export function headersWithCookie(raw: string[], cookie: string | null): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.toLowerCase() !== 'cookie') pairs.push([name, raw[i + 1] as string]);
  }
  if (cookie) pairs.push(['Cookie', cookie]);
  return pairs;
}

/** Sends `req` on to the WebUI and its answer back; a WebUI that does not answer is a 502. */
export function forwardRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: Target,
  headers: [string, string][],
): void {
  const upstream = request(
    {
      host: target.host,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: headers.flat() as unknown as OutgoingHttpHeaders,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (res.headersSent) res.destroy();
    else
      res
        .writeHead(502, { 'content-type': 'text/plain; charset=utf-8' })
        .end('The WebUI is not answering.\n');
  });
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

/**
 * Hands an upgrade (a WebSocket) on to the WebUI: the request as it came (headers as given), then bytes both
 * ways until either side closes.
 */
export function forwardUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: Target,
  headers: [string, string][],
): void {
  const upstream = connect(target.port, target.host, () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`, ...headers.map(([n, v]) => `${n}: ${v}`), '', ''];
    upstream.write(lines.join('\r\n'));
    if (head.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', () => socket.destroy());
  socket.on('error', () => upstream.destroy());
  upstream.on('close', () => socket.destroy());
  socket.on('close', () => upstream.destroy());
}
