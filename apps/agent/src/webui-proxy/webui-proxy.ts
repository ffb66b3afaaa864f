import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { ExpiringIds } from './expiring-ids.js';
import { forwardRequest, forwardUpgrade, headersWithCookie, type Target } from './forward.js';
import { CLOCK_SKEW_SECONDS, checkLink } from './link.js';
import { refuse, refuseUpgrade } from './pages.js';
import { sessionCookieHeader, splitCookies } from './session-cookie.js';

/** The path that trades a hub-signed link (`?l=`) for a session cookie. */
export const OPEN_PATH = '/_podpilot/open';
/** How long a session lasts (a working day on the GPU). */
const SESSION_SECONDS = 12 * 3600;

export interface WebuiProxyOptions {
  instanceId: string;
  /** The instance's link key from the hub (32 bytes). */
  key: Buffer;
  /** The WebUI on loopback. */
  target: Target;
  /** Where used nonces and sessions are kept across restarts (`<workspace>/.podpilot`). */
  stateDir: string;
  /** Unix seconds (tests move it). */
  nowSeconds?: () => number;
  /** One line per refused link (the reason, never the link). */
  log?: (line: string) => void;
}

const sessionIdOf = (session: string) => createHash('sha256').update(session).digest('hex');

/**
 * The way in to a WebUI on a public address: lets in a browser that opened a one-time link the hub signed
 * (it gets an HttpOnly session cookie), forwards its HTTP requests and WebSocket upgrades to the WebUI on
 * loopback, and answers everything else 401. Used nonces and sessions (stored as hashes) survive a restart.
 */
export class WebuiProxy {
  private readonly server: Server;
  private readonly nonces: ExpiringIds;
  private readonly sessions: ExpiringIds;
  private readonly now: () => number;

  constructor(private readonly options: WebuiProxyOptions) {
    this.now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
    this.nonces = new ExpiringIds(join(options.stateDir, 'webui-link-nonces.json'), this.now);
    this.sessions = new ExpiringIds(join(options.stateDir, 'webui-sessions.json'), this.now);
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
  }

  /** Listens on `host:port` (0: a free port); resolves with the port. Throws when the port is taken. */
  listen(port: number, host = '0.0.0.0'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (url.pathname === OPEN_PATH) {
      this.open(req, res, url.searchParams.get('l'));
      return;
    }
    const { session, others } = splitCookies(req);
    if (!this.validSession(session)) {
      refuse(res);
      return;
    }
    forwardRequest(req, res, this.options.target, headersWithCookie(req.rawHeaders, others));
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { session, others } = splitCookies(req);
    if (!this.validSession(session)) {
      refuseUpgrade(socket);
      return;
    }
    forwardUpgrade(req, socket, head, this.options.target, headersWithCookie(req.rawHeaders, others));
  }

  private validSession(session: string | null): boolean {
    return session !== null && this.sessions.has(sessionIdOf(session));
  }

  /** A valid, unused link: its nonce is spent (on disk first), a session starts, the browser goes to `/`. */
  private open(req: IncomingMessage, res: ServerResponse, link: string | null): void {
    const { key, instanceId } = this.options;
    const check = link
      ? checkLink(link, key, instanceId, this.now())
      : { ok: false as const, reason: 'no link' };
    if (!check.ok || this.nonces.has(check.claims.n)) {
      this.options.log?.(`WebUI link refused: ${check.ok ? 'already used' : check.reason}`);
      refuse(res);
      return;
    }
    this.nonces.add(check.claims.n, check.claims.e + CLOCK_SKEW_SECONDS);
    const session = randomBytes(32).toString('base64url');
    this.sessions.add(sessionIdOf(session), this.now() + SESSION_SECONDS);
    res
      .writeHead(303, {
        location: '/',
        'set-cookie': sessionCookieHeader(req, session, SESSION_SECONDS),
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      })
      .end();
  }
}
