import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';

/** One established TCP connection to the WebUI port, seen from the WebUI's side. */
export interface TcpConnection {
  /** `addr:port` of the WebUI's end (IPv6 in brackets, canonical form). */
  local: string;
  /** `addr:port` of the client's end; the key of a connection across samples. */
  peer: string;
  peerPort: number;
  /** Bytes the WebUI has received on it; null where the source cannot tell (/proc). */
  bytesReceived: number | null;
}

// ss prints `[::ffff:127.0.0.1]`, /proc a hex word; both go through the WHATWG serialiser so one
// connection has one key whichever source saw it.
const canonicalHost = (host: string): string => {
  const bare = host.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!bare.includes(':')) return bare;
  try {
    return new URL(`http://[${bare}]/`).hostname;
  } catch {
    return `[${bare}]`;
  }
};

const ADDRESS = /^(\[[^\]]+\]|[^\s:[\]]+):(\d+)$/;

const endpoint = (token: string): { key: string; port: number } | null => {
  const match = ADDRESS.exec(token);
  if (!match?.[1] || !match[2]) return null;
  return { key: `${canonicalHost(match[1])}:${match[2]}`, port: Number(match[2]) };
};

/**
 * Parses `ss -tinH state established '( sport = :PORT )'`: a line per connection (queues, then local and
 * peer `addr:port`) followed by an indented line of `key:value` facts, where `bytes_received:N` is absent
 * while N is 0. Lines that hold no two addresses are skipped.
 */
export function parseSs(text: string): TcpConnection[] {
  const connections: TcpConnection[] = [];
  let last: TcpConnection | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line)) {
      // The info line of the connection above it.
      if (last) last.bytesReceived = Number(/(?:^|\s)bytes_received:(\d+)/.exec(line)?.[1] ?? 0);
      continue;
    }
    // The addresses are the last two `addr:port` tokens (a state column may precede them, a process after).
    const ends = line
      .trim()
      .split(/\s+/)
      .map(endpoint)
      .filter((e) => e !== null);
    const local = ends.at(-2);
    const peer = ends.at(-1);
    last = null;
    if (!local || !peer) continue;
    last = { local: local.key, peer: peer.key, peerPort: peer.port, bytesReceived: null };
    connections.push(last);
  }
  return connections;
}

// /proc prints each 32-bit word of an address as a number in host byte order.
const WORD_BYTES = endianness() === 'LE' ? [6, 4, 2, 0] : [0, 2, 4, 6];

/** `0100007F:1F90` → `127.0.0.1:8080` (on a little-endian machine). */
const procEndpoint = (hexAddress: string): { key: string; port: number } | null => {
  const [hex, hexPort] = hexAddress.split(':');
  if (!hex || !hexPort || !/^[0-9A-Fa-f]+$/.test(hex + hexPort)) return null;
  const port = Number.parseInt(hexPort, 16);
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => WORD_BYTES.map((i) => Number.parseInt(w.slice(i, i + 2), 16)));
  if (bytes.length === 4) return { key: `${bytes.join('.')}:${port}`, port };
  if (bytes.length !== 16) return null;
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return { key: `${canonicalHost(groups.join(':'))}:${port}`, port };
};

/**
 * Parses /proc/net/tcp or /proc/net/tcp6: the established connections (state `01`) whose local port is
 * `port`. The kernel keeps no byte counts here, so `bytesReceived` is null.
 */
export function parseProcNetTcp(text: string, port: number): TcpConnection[] {
  const connections: TcpConnection[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [, local, peer, state] = line.trim().split(/\s+/);
    if (state !== '01' || !local || !peer) continue;
    const l = procEndpoint(local);
    const p = procEndpoint(peer);
    if (!l || !p || l.port !== port) continue;
    connections.push({ local: l.key, peer: p.key, peerPort: p.port, bytesReceived: null });
  }
  return connections;
}

/** What {@link ConnectionSampler.sample} found. */
export interface ConnectionReading {
  /** Client connections open now (the agent's own excluded); null when neither ss nor /proc could tell. */
  openConnections: number | null;
  /** Seconds since the sample that last saw a client request; null when none was seen. */
  secondsSinceRequest: number | null;
}

export interface ConnectionSamplerOptions {
  /** The WebUI's port. */
  port: number;
  /** Local ports of the agent's own connections to the WebUI (its probes): not clients. */
  ownPorts?: () => Set<number>;
  /** Milliseconds clock. Default Date.now. */
  now?: () => number;
  /** Runs `ss` with these arguments and resolves with its output. Default: execFile('ss'). */
  run?: (args: string[]) => Promise<string>;
  /** The /proc tables read when ss fails. */
  procFiles?: string[];
}

const runSs = (args: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile('ss', args, { timeout: 5000, killSignal: 'SIGKILL', encoding: 'utf8' }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });

/**
 * Watches client traffic on the WebUI port. A request is seen when a client connection appears that sent
 * bytes, or an open one received more bytes than at the previous sample (with /proc, which has no byte
 * counts: when a connection appears). An open connection that receives nothing is no request: an idle
 * browser tab must not keep a GPU awake.
 */
export class ConnectionSampler {
  private previous: Map<string, TcpConnection> | null = null;
  private lastRequestAt: number | null = null;
  private readonly now: () => number;
  private readonly run: (args: string[]) => Promise<string>;

  constructor(private readonly options: ConnectionSamplerOptions) {
    this.now = options.now ?? Date.now;
    this.run = options.run ?? runSs;
  }

  /** Reads the connections and compares them with the previous sample. Never throws. */
  async sample(): Promise<ConnectionReading> {
    const connections = await this.read();
    const at = this.now();
    if (connections) {
      const own = this.options.ownPorts?.() ?? new Set<number>();
      const current = new Map<string, TcpConnection>();
      for (const c of connections) if (!own.has(c.peerPort)) current.set(c.peer, c);
      // The first sample is the baseline: bytes a connection received before the agent looked are of
      // unknown age, and counting them would call every agent restart activity.
      if (this.previous && [...current.values()].some((c) => this.isRequest(c))) this.lastRequestAt = at;
      this.previous = current;
    }
    return {
      openConnections: connections ? (this.previous?.size ?? 0) : null,
      secondsSinceRequest: this.lastRequestAt === null ? null : Math.max(0, (at - this.lastRequestAt) / 1000),
    };
  }

  private isRequest(c: TcpConnection): boolean {
    const before = this.previous?.get(c.peer);
    // A new connection that has sent nothing yet (a browser's preconnect) is no request; its first bytes are.
    if (!before) return c.bytesReceived === null || c.bytesReceived > 0;
    return (
      c.bytesReceived !== null && before.bytesReceived !== null && c.bytesReceived > before.bytesReceived
    );
  }

  /** ss when it works (it has byte counts), else /proc; null when neither does. */
  private async read(): Promise<TcpConnection[] | null> {
    const { port } = this.options;
    try {
      return parseSs(await this.run(['-tinH', 'state', 'established', `( sport = :${port} )`]));
    } catch {
      // ss is missing (slim images) or refused: fall back to /proc.
    }
    const files = this.options.procFiles ?? ['/proc/net/tcp', '/proc/net/tcp6'];
    const tables = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => null)));
    // tcp6 is absent where IPv6 is off; only when no table could be read is the count unknown.
    if (tables.every((t) => t === null)) return null;
    return tables.flatMap((t) => (t === null ? [] : parseProcNetTcp(t, port)));
  }
}
