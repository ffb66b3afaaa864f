import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import {
  addressPermitted,
  hostPermitted,
  OUTBOUND_REFUSED,
  OutboundAllowlist,
  outboundUrlProblem,
} from './outbound-address.js';

export { OUTBOUND_REFUSED } from './outbound-address.js';

/** A connection the guard refused before it was made. Its message never names the address or the port. */
export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
  readonly code = 'EOUTBOUNDREFUSED';

  constructor() {
    super(OUTBOUND_REFUSED);
  }
}

/** The OutboundRefused somewhere in `error`'s cause chain (fetch and the HTTP core wrap it), else null. */
export function outboundRefusal(error: unknown): OutboundRefused | null {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof OutboundRefused) return current;
    current = current.cause;
  }
  return null;
}

export interface OutboundPolicy {
  /** `PODPILOT_OUTBOUND_ALLOW`: host names, addresses and CIDR ranges let through although not public. */
  allow?: readonly string[] | undefined;
  /**
   * Origins the owner configured (a model site's base URL set in the environment): connections to them are
   * not checked at all.
   */
  exemptOrigins?: readonly (string | undefined)[] | undefined;
  /** Resolves a name to every address it has; default the system resolver (tests fake rebinding names). */
  resolve?: ((hostname: string) => Promise<LookupAddress[]>) | undefined;
}

const systemResolve = (hostname: string) => dns.lookup(hostname, { all: true });

/**
 * The one gate for outbound requests the owner can aim (model URLs, model-site APIs, webhooks): a `fetch`
 * whose every connection, redirects included, goes to a public address or to one the allowlist names.
 * Names are checked by a lookup hook on the socket, so the address checked is the address connected to
 * (no window for DNS rebinding between a check and the connection); literal addresses (the URL parser has
 * already turned decimal, octal and hex IPv4 spellings into dotted quads) and metadata host names are
 * refused before any lookup; the connected socket's peer is checked once more. A refusal happens before
 * any packet goes to the target, so an open and a closed port answer alike. Proxies are not used.
 */
export class OutboundGuard {
  readonly fetch: typeof globalThis.fetch;
  private readonly allow: OutboundAllowlist;
  private readonly exempt: Set<string>;
  private readonly agent: Agent;
  private readonly resolve: (hostname: string) => Promise<LookupAddress[]>;

  constructor(policy: OutboundPolicy = {}) {
    this.resolve = policy.resolve ?? systemResolve;
    this.allow = new OutboundAllowlist(policy.allow ?? []);
    this.exempt = new Set(
      (policy.exemptOrigins ?? []).filter((o): o is string => !!o).map((o) => new URL(o).origin),
    );
    const checked = buildConnector({ lookup: this.lookup });
    const unchecked = buildConnector({});
    const connect: buildConnector.connector = (options, callback) => {
      if (this.exempt.has(`${options.protocol}//${options.host ?? options.hostname}`))
        return unchecked(options, callback);
      if (!this.permitsHost(options.hostname)) {
        queueMicrotask(() => callback(new OutboundRefused(), null));
        return;
      }
      checked(options, (error, socket) => {
        if (error || !socket) return callback(error ?? new OutboundRefused(), null);
        const peer = socket.remoteAddress;
        if (peer && !this.permits(options.hostname, peer)) {
          socket.destroy();
          return callback(new OutboundRefused(), null);
        }
        callback(null, socket);
      });
    };
    this.agent = new Agent({ connect });
    const agent = this.agent;
    this.fetch = ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
      undiciFetch(input, { ...init, dispatcher: agent })) as unknown as typeof globalThis.fetch;
  }

  /** outboundUrlProblem with this guard's allowlist; null for an exempt origin. */
  problemWithUrl(url: string): string | null {
    if (URL.canParse(url) && this.exempt.has(new URL(url).origin)) return null;
    return outboundUrlProblem(url, this.allow);
  }

  /** Closes the pooled connections (shutdown, tests). */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private permitsHost(hostname: string): boolean {
    return hostPermitted(hostname, this.allow);
  }

  private permits(hostname: string, address: string): boolean {
    return addressPermitted(hostname, address, this.allow);
  }

  /** The socket's lookup: every address a name resolves to must be permitted, or none is returned. */
  private readonly lookup = ((hostname: string, options: { all?: boolean }, callback: LookupCallback) => {
    this.resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0 || addresses.some((a) => !this.permits(hostname, a.address)))
          return callback(new OutboundRefused(), '', 0);
        const first = addresses[0] as LookupAddress;
        if (options.all) return (callback as unknown as AllCallback)(null, addresses);
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  }) as unknown as LookupFunction;
}

type LookupCallback = (error: Error | null, address: string, family: number) => void;
type AllCallback = (error: Error | null, addresses: LookupAddress[]) => void;
