import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { isTransientStatus } from '@podpilot/common/node';
import { DownloadError, safeUrl } from './errors.js';
import { networkFailure, RetryableError, retryAfterHeader } from './retry.js';

/** A connection that delivers nothing for this long is dropped and the request retried. */
const IDLE_TIMEOUT_MS = 30_000;
/** Room for one read while a response head is expected. */
const SCRATCH = 64 << 10;

export interface ResponseHead {
  status: number;
  headers: Map<string, string>;
}

interface Pending {
  target: Buffer;
  got: number;
  /** Head bytes gathered so far; the head is parsed once they hold a blank line. */
  head: Buffer[];
  response: ResponseHead | null;
  /** Sent on a socket that served a response before (the server may have closed it meanwhile). */
  reused: boolean;
  onBytes: (n: number) => void;
  validate: Validate | undefined;
  resolve: (head: ResponseHead) => void;
  reject: (error: unknown) => void;
}

/** The caller's own check of a response head (e.g. Content-Range, ETag): an error stops the response. */
export type Validate = (head: ResponseHead) => Error | null;

/** A kept-alive socket closed by the server before it answered: reopen, no backoff. */
class StaleConnection extends RetryableError {}

/**
 * One keep-alive HTTP/1.1 connection for Range GETs whose body the kernel reads straight into the caller's
 * buffer (net/tls `onread` with the buffer chosen per read): no 64 KiB stream pieces, no copy, few syscalls.
 * Why not node:http or undici: on this kind of machine they read at ~430 MiB/s and ~0.7 GiB/s per process,
 * this at 1.5-2.3 GiB/s (README.md). Only a 206 with a Content-Length of the asked length is read; any other
 * answer closes the connection and throws (RetryableError for network errors, 5xx, 408, 429, else DownloadError).
 */
export class RangeConnection {
  private socket: Socket | null = null;
  private pending: Pending | null = null;
  private readonly scratch = Buffer.allocUnsafe(SCRATCH);
  private readonly request: string;
  private served = false;

  /**
   * @param readLimit most bytes one socket read may put into the target, so that the bytes received since
   *   the caller's last look (onBytes) stay bounded (ranged.ts persists partial chunks every so many bytes).
   */
  constructor(
    private readonly url: URL,
    headers: Record<string, string>,
    private readonly model: string,
    private readonly readLimit = Number.POSITIVE_INFINITY,
  ) {
    const lines = Object.entries({
      'user-agent': 'podpilot-agent',
      ...headers,
      'accept-encoding': 'identity',
    })
      .filter(([name]) => !['host', 'range', 'connection'].includes(name.toLowerCase()))
      .map(([name, value]) => `${name}: ${value}\r\n`);
    if (lines.some((line) => /[\r\n]/.test(line.slice(0, -2))))
      throw new TypeError('a source header contains a line break');
    this.request = `GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n${lines.join('')}`;
  }

  /** Reads bytes `start ..= start + target.length - 1` into `target`; resolves with the head once it is full. */
  async fetch(
    start: number,
    target: Buffer,
    onBytes: (n: number) => void,
    signal: AbortSignal,
    validate?: Validate,
  ): Promise<ResponseHead> {
    try {
      return await this.once(start, target, onBytes, signal, validate);
    } catch (error) {
      if (!(error instanceof StaleConnection)) throw error;
      return this.once(start, target, onBytes, signal, validate);
    }
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private once(
    start: number,
    target: Buffer,
    onBytes: (n: number) => void,
    signal: AbortSignal,
    validate: Validate | undefined,
  ): Promise<ResponseHead> {
    signal.throwIfAborted();
    const socket = this.open();
    const onAbort = () => socket.destroy(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    return new Promise<ResponseHead>((resolve, reject) => {
      this.pending = {
        target,
        got: 0,
        head: [],
        response: null,
        reused: this.served,
        onBytes,
        validate,
        resolve,
        reject,
      };
      socket.write(`${this.request}range: bytes=${start}-${start + target.length - 1}\r\n\r\n`);
    }).finally(() => {
      this.pending = null;
      signal.removeEventListener('abort', onAbort);
    });
  }

  private open(): Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    this.served = false;
    const { protocol, hostname, port } = this.url;
    const host = hostname.replace(/^\[|\]$/g, '');
    const secure = protocol === 'https:';
    const onread = {
      buffer: () => this.nextBuffer(),
      callback: (n: number, buf: Uint8Array) => {
        this.onRead(n, buf as Buffer);
        return true;
      },
    };
    const options = { host, port: Number(port) || (secure ? 443 : 80), onread };
    const socket = secure
      ? // tls.connect honours onread too (its typings omit it): decrypted bytes land in our buffer.
        tlsConnect({
          ...options,
          servername: isIP(host) ? undefined : host,
          ALPNProtocols: ['http/1.1'],
        } as ConnectionOptions)
      : netConnect(options);
    socket.setNoDelay(true);
    socket.setTimeout(IDLE_TIMEOUT_MS, () =>
      socket.destroy(new RetryableError(`no data from ${safeUrl(this.url)} for ${IDLE_TIMEOUT_MS / 1000} s`)),
    );
    const lost = (error?: Error) => {
      if (this.socket === socket) this.socket = null;
      const p = this.pending;
      if (!p) return;
      const failure = networkFailure(error ?? new Error('connection closed'), this.url, this.model);
      const stale = p.reused && p.head.length === 0 && !p.response && failure instanceof RetryableError;
      p.reject(stale ? new StaleConnection((failure as Error).message) : failure);
    };
    socket.on('error', lost);
    socket.on('close', () => lost());
    socket.on('end', () => socket.destroy());
    this.socket = socket;
    return socket;
  }

  /** Where the next read lands: the body's target (readLimit at most) once the head is parsed, else the scratch. */
  private nextBuffer(): Buffer {
    const p = this.pending;
    return p?.response && p.got < p.target.length
      ? p.target.subarray(p.got, Math.min(p.target.length, p.got + this.readLimit))
      : this.scratch;
  }

  private onRead(n: number, buf: Buffer): void {
    const p = this.pending;
    if (!p || (buf === this.scratch && p.response)) {
      this.socket?.destroy(); // bytes nobody asked for: the connection is out of step
      return;
    }
    if (buf === this.scratch) {
      p.head.push(Buffer.from(buf.subarray(0, n)));
      this.parseHead(p);
    } else {
      p.got += n;
      p.onBytes(n);
    }
    if (p.response && p.got === p.target.length) {
      if (p.response.headers.get('connection')?.toLowerCase() === 'close') this.close();
      this.served = true;
      p.resolve(p.response);
    }
  }

  private parseHead(p: Pending): void {
    const all = p.head.length === 1 ? (p.head[0] as Buffer) : Buffer.concat(p.head);
    const at = all.indexOf('\r\n\r\n');
    if (at < 0) {
      if (all.length > 4 * SCRATCH)
        this.fail(p, new DownloadError(`response head too large from ${safeUrl(this.url)}`));
      return;
    }
    const [statusLine = '', ...lines] = all.subarray(0, at).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const rest = all.subarray(at + 4);
    p.head = rest.length ? [rest] : [];
    if (status >= 100 && status < 200) {
      if (rest.length) this.parseHead(p); // 100 Continue, 103 Early Hints: the real head follows
      return;
    }
    const error =
      this.check(status, headers, p.target.length) ??
      p.validate?.({ status, headers }) ??
      (rest.length > p.target.length ? new DownloadError(`too many bytes from ${safeUrl(this.url)}`) : null);
    if (error) {
      this.fail(p, error);
      return;
    }
    p.head = [];
    p.response = { status, headers };
    rest.copy(p.target, 0);
    p.got = rest.length;
    if (rest.length) p.onBytes(rest.length);
  }

  private check(status: number, headers: Map<string, string>, length: number): Error | null {
    const what = `HTTP ${status} from ${safeUrl(this.url)}`;
    if (isTransientStatus(status))
      return new RetryableError(what, retryAfterHeader(headers.get('retry-after')), undefined, status);
    if (status >= 400)
      return new DownloadError(`Model "${this.model}": download refused, ${what}`, status, { url: this.url });
    if (
      status !== 206 ||
      headers.has('transfer-encoding') ||
      Number(headers.get('content-length')) !== length
    )
      return new DownloadError(
        `Model "${this.model}": ${safeUrl(this.url)} answered a Range request with HTTP ${status} (${headers.get('content-range') ?? 'no Content-Range'})`,
      );
    return null;
  }

  private fail(p: Pending, error: Error): void {
    this.close(); // the body was not read: the connection cannot be reused
    p.reject(error);
  }
}
