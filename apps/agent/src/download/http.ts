import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isTransientStatus } from '@podpilot/common/node';
import { DownloadError, safeUrl } from './errors.js';
import { networkFailure, RetryableError, retryAfterHeader } from './retry.js';

/** A connection that delivers nothing for this long is dropped and the request retried. */
const IDLE_TIMEOUT_MS = 30_000;

/**
 * node:http(s) GETs over keep-alive agents, for the probe (redirects, odd statuses) and the sequential
 * fallback; the parallel Range requests use RangeConnection, which reads faster. Network failures come out
 * as RetryableError (DownloadError for an untrusted certificate); redirects are NOT followed here (probe.ts).
 */
export class HttpPool {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;

  constructor(
    connections: number,
    private readonly model: string,
  ) {
    const options = { keepAlive: true, maxSockets: connections, scheduling: 'lifo' as const };
    this.http = new HttpAgent(options);
    this.https = new HttpsAgent(options);
  }

  /** Resolves with the response once its headers arrive; the caller must consume or resume() the body. */
  get(url: URL, headers: Record<string, string>, signal?: AbortSignal): Promise<IncomingMessage> {
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:')
      return Promise.reject(
        new DownloadError(`Model "${this.model}": unsupported URL scheme ${url.protocol} in ${safeUrl(url)}`),
      );
    return new Promise((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        { method: 'GET', agent: secure ? this.https : this.http, headers, signal },
        resolve,
      );
      req.setTimeout(IDLE_TIMEOUT_MS, () =>
        req.destroy(new RetryableError(`no data from ${safeUrl(url)} for ${IDLE_TIMEOUT_MS / 1000} s`)),
      );
      req.on('error', (error) => reject(networkFailure(error, url, this.model)));
      req.end();
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/**
 * Throws for an error status, after draining the body so the socket goes back to the pool: RetryableError
 * for 5xx, 408 and 429 (with Retry-After), DownloadError for any other 4xx (fail fast, no retry).
 */
export function checkStatus(res: IncomingMessage, url: URL, model: string): void {
  const status = res.statusCode ?? 0;
  if (status < 400) return;
  res.resume();
  const what = `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''} from ${safeUrl(url)}`;
  if (isTransientStatus(status))
    throw new RetryableError(what, retryAfterHeader(header(res, 'retry-after')), undefined, status);
  throw new DownloadError(`Model "${model}": download refused, ${what}`, status, { url });
}

export function header(res: IncomingMessage, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Feeds the body to `onData` and resolves at its end; a connection that breaks first rejects with
 * RetryableError. `onData` may throw to abandon the response (the socket is then destroyed).
 */
export function readBody(res: IncomingMessage, url: URL, onData: (piece: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = false;
    res.on('data', (piece: Buffer) => {
      if (failed) return;
      try {
        onData(piece);
      } catch (error) {
        failed = true;
        res.destroy();
        reject(error);
      }
    });
    res.on('end', () => (res.complete ? resolve() : reject(new RetryableError(`body cut short`))));
    res.on('error', (error) =>
      reject(
        error.name === 'AbortError' ? error : new RetryableError(`${error.message} from ${safeUrl(url)}`),
      ),
    );
    res.on('close', () => {
      if (!res.complete) reject(new RetryableError(`connection closed mid-body by ${safeUrl(url)}`));
    });
  });
}
