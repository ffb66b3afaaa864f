import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

const REFUSED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PodPilot: open this WebUI from PodPilot</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto">
<h1>Open this WebUI from PodPilot</h1>
<p>This WebUI only lets in browsers that came from PodPilot. Open it with <b>Open WebUI</b> on the instance's page
(or <code>podpilot open</code>). Each link works once, within a minute.</p>
</body></html>
`;

/** The 401 of a request without a valid session or link. */
export function refuse(res: ServerResponse): void {
  res
    .writeHead(401, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    })
    .end(REFUSED_PAGE);
}

/** The 401 of an upgrade (WebSocket) without a valid session: answered on the raw socket, then closed. */
export function refuseUpgrade(socket: Duplex): void {
  socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}
