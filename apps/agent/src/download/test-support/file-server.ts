import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A file the test server serves. */
export interface ServedFile {
  data: Buffer;
  etag?: string;
  lastModified?: string;
  /** Honour Range (default true); false answers 200 with the whole file and no Accept-Ranges. */
  ranges?: boolean;
  /** Chunked transfer encoding: no Content-Length (and no Range). */
  chunked?: boolean;
  /** More response headers (e.g. Content-Disposition), on every answer with the file. */
  headers?: Record<string, string>;
}

/** Fault injected on the next matching request(s). */
export interface Fault {
  path: string;
  /** Match only the range request starting at this byte. */
  rangeStart?: number;
  kind: 500 | 503 | 429 | 404 | 'reset';
  retryAfter?: string;
  /** How many matching requests it hits (default 1). */
  times?: number;
}

export interface RequestRecord {
  path: string;
  host: string;
  range: string | undefined;
  authorization: string | undefined;
  headers: IncomingMessage['headers'];
}

/**
 * A real HTTP server on 127.0.0.1 for download tests: Range support, byte counting, fault injection,
 * redirects (reach it as `127.0.0.1` or `localhost`: two hosts for the browser rules), and a log of which
 * headers arrived on each request.
 */
export class FileServer {
  readonly files = new Map<string, ServedFile>();
  readonly redirects = new Map<string, string>();
  readonly requests: RequestRecord[] = [];
  /** Body bytes written to sockets. */
  bytesSent = 0;
  /** Range (206) responses fully written. */
  chunksServed = 0;
  /** Wait this long before answering each range request (to slow a download down), or this long for one at `start`. */
  delayMs: number | ((start: number) => number) = 0;
  /**
   * Send each body in pieces of `bytes`, one every `everyMs` (a slow network: little sent but not yet
   * received when the client stops). Off by default: the whole body in one write.
   */
  throttle: { bytes: number; everyMs: number } | undefined;
  /** Called after each range response is fully written. */
  onChunkServed: ((count: number) => void) | undefined;
  /** Called when a range request arrives, before any delay (the client is running right then). */
  onRangeRequest: ((start: number) => void) | undefined;
  /** Answer each range request with `Connection: close` (the client must open a new connection each time). */
  closeEach = false;
  /**
   * Range responses served at once beyond which a request is refused with 503, as nginx's `limit_conn`
   * (its default status) does for a client holding too many connections. Unlimited by default.
   */
  maxRanges = Number.POSITIVE_INFINITY;
  /** Most range responses that were being served at once, and requests refused by `maxRanges`. */
  peakRanges = 0;
  refusedRanges = 0;
  private faults: Fault[] = [];
  /** Range responses being delayed or sent. */
  private busy = 0;
  private server: Server | undefined;
  private port = 0;
  private scheme = 'http';

  /** Listens on 127.0.0.1 (a random port); over https with `tls`. */
  async start(tls?: { key: string; cert: string }): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = tls ? createTlsServer(tls, handler) : createServer(handler);
    this.scheme = tls ? 'https' : 'http';
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  /** Resolves once no range response is delayed or being sent (a throttled one stops when its client went away). */
  async settled(): Promise<void> {
    while (this.busy > 0) await sleep(5);
  }

  url(path: string, host = '127.0.0.1'): string {
    return `${this.scheme}://${host}:${this.port}${path}`;
  }

  /** Serves `size` random bytes at `path`; returns them and their sha256. */
  serveRandom(
    path: string,
    size: number,
    options: Omit<ServedFile, 'data'> = {},
  ): { data: Buffer; sha256: string } {
    const data = randomBytes(size);
    this.files.set(path, { data, ...options });
    return { data, sha256: createHash('sha256').update(data).digest('hex') };
  }

  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  private takeFault(path: string, start: number | undefined): Fault | undefined {
    const fault = this.faults.find(
      (f) => f.path === path && (f.rangeStart === undefined || f.rangeStart === start) && (f.times ?? 1) > 0,
    );
    if (fault) fault.times = (fault.times ?? 1) - 1;
    return fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const range = req.headers.range;
    this.requests.push({
      path,
      host: req.headers.host ?? '',
      range,
      authorization: req.headers.authorization,
      headers: req.headers,
    });
    const target = this.redirects.get(path);
    if (target) return void res.writeHead(302, { location: target }).end();
    const file = this.files.get(path);
    if (!file) return void res.writeHead(404).end('not found');
    const match = /^bytes=(\d+)-(\d*)$/.exec(range ?? '');
    const useRange = match && file.ranges !== false && !file.chunked;
    const start = useRange ? Number(match[1]) : 0;
    const fault = this.takeFault(path, useRange ? start : undefined);
    if (fault && fault.kind !== 'reset') {
      const headers = fault.retryAfter ? { 'retry-after': fault.retryAfter } : {};
      return void res.writeHead(fault.kind, headers).end('injected');
    }
    const validators = {
      ...file.headers,
      ...(file.etag ? { etag: file.etag } : {}),
      ...(file.lastModified ? { 'last-modified': file.lastModified } : {}),
    };
    if (file.chunked) {
      res.writeHead(200, validators);
      return void this.send(res, file.data, false);
    }
    if (!useRange) {
      const accept = file.ranges === false ? {} : { 'accept-ranges': 'bytes' };
      res.writeHead(200, { ...validators, ...accept, 'content-length': file.data.length });
      return void this.send(res, file.data, fault?.kind === 'reset');
    }
    const end = Math.min(match[2] ? Number(match[2]) : file.data.length - 1, file.data.length - 1);
    if (start >= file.data.length) {
      return void res.writeHead(416, { 'content-range': `bytes */${file.data.length}` }).end();
    }
    this.onRangeRequest?.(start);
    if (this.busy >= this.maxRanges) {
      this.refusedRanges++;
      return void res.writeHead(503).end('too many connections');
    }
    this.busy++;
    this.peakRanges = Math.max(this.peakRanges, this.busy);
    try {
      const delay = typeof this.delayMs === 'function' ? this.delayMs(start) : this.delayMs;
      if (delay) await sleep(delay);
      if (res.destroyed) return; // the client went away meanwhile: nothing is sent
      res.writeHead(206, {
        ...validators,
        'accept-ranges': 'bytes',
        'content-range': `bytes ${start}-${end}/${file.data.length}`,
        'content-length': end - start + 1,
        ...(this.closeEach ? { connection: 'close' } : {}),
      });
      if (!(await this.send(res, file.data.subarray(start, end + 1), fault?.kind === 'reset'))) return;
    } finally {
      this.busy--;
    }
    this.chunksServed++;
    this.onChunkServed?.(this.chunksServed);
  }

  /** Writes the body, or half of it then a connection reset; false when the client went away first (throttled). */
  private async send(res: ServerResponse, body: Buffer, reset: boolean): Promise<boolean> {
    const ended = new Promise<boolean>((resolve) => {
      res.once('finish', () => resolve(true));
      res.once('close', () => resolve(false));
    });
    const throttle = this.throttle;
    if (throttle && !reset) {
      let gone = false;
      void ended.then((finished) => {
        gone = !finished;
      });
      for (let at = 0; at < body.length; at += throttle.bytes) {
        if (at > 0) await sleep(throttle.everyMs);
        if (gone || res.destroyed) return false; // the client went away: the rest is never sent
        const piece = body.subarray(at, at + throttle.bytes);
        this.bytesSent += piece.length;
        res.write(piece);
      }
      res.end();
      return ended;
    }
    const part = reset ? body.subarray(0, Math.floor(body.length / 2)) : body;
    this.bytesSent += part.length;
    if (!reset) {
      res.end(part);
      await ended;
      return true;
    }
    res.write(part);
    await sleep(10);
    res.socket?.resetAndDestroy();
    return true;
  }
}
