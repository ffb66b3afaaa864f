import { createReadStream } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface PutResult {
  status: number;
  etag: string | null;
  body: string;
}

/** A body streamed from a file: its first `size` bytes. */
export interface FileBody {
  path: string;
  size: number;
  /** Told the bytes read for sending so far, as they go (a whole file's PUT shows its progress with it). */
  onSent?: (sentBytes: number) => void;
}

/**
 * Plain-http URLs of one origin sent through an HTTP forward proxy (absolute-form requests): the hub's own
 * storage URLs when the hub is reachable only through tailscaled's `--outbound-http-proxy-listen`.
 */
export interface ForwardRoute {
  /** e.g. `http://podpilot-hub.tailnet.ts.net:7300` */
  origin: string;
  /** e.g. `http://localhost:1055` */
  proxy: string;
}

/** The file sent as a body turned out shorter than announced (it changed while it was sent). */
export class BodyShrankError extends Error {
  override name = 'BodyShrankError';
}

/**
 * PUTs bodies to presigned URLs over a keep-alive connection pool: a buffer (a multipart part) or the first
 * `size` bytes of a file, streamed (memory per upload: a few 256 KiB chunks, whatever the file's size).
 * Plain node:http rather than fetch: no web-stream layer between the bytes and the socket, which matters
 * when the CPU is the bottleneck. A request with no progress for `idleTimeoutMs` is abandoned.
 */
export class PartUploader {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;

  constructor(
    connections: number,
    private readonly idleTimeoutMs = 60_000,
    private readonly route: ForwardRoute | null = null,
  ) {
    this.http = new HttpAgent({ keepAlive: true, maxSockets: connections });
    this.https = new HttpsAgent({ keepAlive: true, maxSockets: connections });
  }

  /**
   * One PUT; resolves with the answer whatever its status. Rejects on a network error, an idle timeout,
   * abort, or BodyShrankError when a file body had fewer bytes than `size`.
   */
  put(url: string, body: Buffer | FileBody, signal?: AbortSignal): Promise<PutResult> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const length = Buffer.isBuffer(body) ? body.length : body.size;
    const proxy = !secure && this.route?.origin === target.origin ? new URL(this.route.proxy) : null;
    // Through the proxy: to its address, the whole URL as the path (absolute form), the target as Host.
    const where = proxy
      ? { hostname: proxy.hostname, port: proxy.port || 80, path: target.href }
      : {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
        };
    const headers = { 'content-length': length, host: target.host };
    return new Promise((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(
        { ...where, method: 'PUT', agent: secure ? this.https : this.http, headers, signal },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (text.length < 4096) text += chunk;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, etag: (res.headers.etag as string) ?? null, body: text }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.setTimeout(this.idleTimeoutMs, () =>
        req.destroy(new Error(`no progress for ${this.idleTimeoutMs} ms`)),
      );
      if (Buffer.isBuffer(body)) return void req.end(body);
      if (body.size === 0) return void req.end();
      const stream = createReadStream(body.path, { start: 0, end: body.size - 1, highWaterMark: 256 * 1024 });
      let sent = 0;
      stream.on('data', (chunk) => {
        sent += chunk.length;
        body.onSent?.(sent);
      });
      stream.on('error', (error) => req.destroy(error));
      req.on('close', () => stream.destroy());
      stream.on('end', () => {
        if (sent !== body.size) req.destroy(new BodyShrankError(`${body.path} shrank while it was sent`));
      });
      stream.pipe(req);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
