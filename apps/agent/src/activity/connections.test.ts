import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionSampler, parseProcNetTcp, parseSs } from './connections.js';

// As `ss -tinH state established '( sport = :46553 )'` prints it (iproute2 6.1): one connection that
// received a request, one IPv6 connection that has sent nothing (no bytes_received), one IPv4-mapped.
const SS_SAMPLE = [
  '0      0      127.0.0.1:46553 127.0.0.1:46820',
  '\t bbr wscale:10,10 rto:204 rtt:0.021/0.008 ato:40 mss:32768 pmtu:65535 rcvmss:536 advmss:65483 cwnd:11' +
    ' bytes_sent:124 bytes_acked:124 bytes_received:27 segs_out:2 segs_in:4 data_segs_out:1 data_segs_in:1' +
    ' bbr:(bw:13107187496bps,mrtt:0.02,pacing_gain:2.88672,cwnd_gain:2.88672) send 137313523810bps' +
    ' lastsnd:212 lastrcv:220 lastack:212 pacing_rate 340531187816bps delivered:2 app_limited rcv_space:65483',
  '0      0          [::1]:46553     [::1]:54142',
  '\t bbr wscale:10,10 rto:204 rtt:0.027/0.013 mss:32768 pmtu:65536 rcvmss:536 advmss:65464 cwnd:10' +
    ' segs_in:2 bbr:(bw:0bps,mrtt:0.027) send 97090370370bps lastsnd:216 lastrcv:216 lastack:216' +
    ' delivered:1 app_limited rcv_space:65464 minrtt:0.027 snd_wnd:65536                              ',
  '0      0      [::ffff:10.0.0.5]:46553 [::ffff:203.0.113.9]:61000',
  '\t cubic wscale:7,7 rto:208 rtt:4.5/2 bytes_sent:80211 bytes_acked:80211 bytes_received:1534 segs_out:70',
  '',
].join('\n');

const PROC_TCP = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 27925 1 0 100 0 0 10 0',
  '   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 12345 1 0 20 4 30 10 -1',
  '   2: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 12346 1 0 20 4 30 10 -1',
  '   3: 0500000A:1F90 097100CB:EE48 06 00000000:00000000 03:00000ABC 00000000     0        0 0 3 0',
  '   4: 0500000A:1F90 097100CB:EE49 01 00000000:00000000 00:00000000 00000000     0        0 12347 1 0 20 4 30 10 -1',
].join('\n');

const PROC_TCP6 = [
  '  sl  local_address                         remote_address                        st tx_queue rx_queue',
  '   0: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:D3FE 01 00000000:00000000 00:0 0',
  '   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D432 01 00000000:00000000 00:0 0',
].join('\n');

describe('parseSs', () => {
  it('reads local and peer addresses and bytes received, 0 when ss leaves the count out', () => {
    expect(parseSs(SS_SAMPLE)).toEqual([
      { local: '127.0.0.1:46553', peer: '127.0.0.1:46820', peerPort: 46820, bytesReceived: 27 },
      { local: '[::1]:46553', peer: '[::1]:54142', peerPort: 54142, bytesReceived: 0 },
      {
        local: '[::ffff:a00:5]:46553',
        peer: '[::ffff:cb00:7109]:61000',
        peerPort: 61000,
        bytesReceived: 1534,
      },
    ]);
  });

  it('tolerates a state column, CRLF, a missing info line and noise', () => {
    const text =
      'ESTAB 0 0 192.168.1.2:7860 192.168.1.9:50000\r\n' +
      '\t bytes_received:5\r\n' +
      'garbage without addresses\r\n' +
      '\t bytes_received:999\r\n' +
      '0 0 10.0.0.1:7860 10.0.0.2:40000\r\n';
    expect(parseSs(text)).toEqual([
      { local: '192.168.1.2:7860', peer: '192.168.1.9:50000', peerPort: 50000, bytesReceived: 5 },
      { local: '10.0.0.1:7860', peer: '10.0.0.2:40000', peerPort: 40000, bytesReceived: null },
    ]);
    expect(parseSs('')).toEqual([]);
  });
});

describe('parseProcNetTcp', () => {
  it('keeps established connections on the port, IPv4 and IPv6, with the keys ss would give', () => {
    expect(parseProcNetTcp(PROC_TCP, 8080)).toEqual([
      { local: '127.0.0.1:8080', peer: '127.0.0.1:54321', peerPort: 54321, bytesReceived: null },
      { local: '10.0.0.5:8080', peer: '203.0.113.9:61001', peerPort: 61001, bytesReceived: null },
    ]);
    const six = parseProcNetTcp(PROC_TCP6, 8080);
    expect(six.map((c) => c.peer)).toEqual(['[::1]:54270', '[::ffff:7f00:1]:54322']);
    // The same IPv4-mapped peer as ss prints it gets the same key.
    expect(parseSs('0 0 [::ffff:127.0.0.1]:8080 [::ffff:127.0.0.1]:54322')[0]?.peer).toBe(six[1]?.peer);
    expect(parseProcNetTcp(PROC_TCP, 7860)).toEqual([]);
  });
});

describe('ConnectionSampler', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A loopback HTTP server that keeps idle connections open, like a WebUI behind a browser tab. */
  const server = async () => {
    const s = http.createServer((_req, res) => res.end('ok'));
    s.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    );
    return (s.address() as { port: number }).port;
  };

  /** An open TCP connection that sends nothing until told to. */
  const client = async (port: number) => {
    const socket = connect(port, '127.0.0.1');
    cleanups.push(() => void socket.destroy());
    await new Promise((resolve) => socket.once('connect', resolve));
    return socket;
  };

  /** One HTTP request on the open connection; resolves once the answer came (so the server read it). */
  const request = (socket: Socket) =>
    new Promise((resolve) => {
      socket.once('data', resolve);
      socket.write('GET / HTTP/1.1\r\nHost: ui\r\n\r\n');
    });

  const clock = () => {
    const c = { ms: 1_000_000, now: () => c.ms };
    return c;
  };

  it('does not take an idle open connection for a request, but sees the request it sends', async () => {
    const port = await server();
    const time = clock();
    const sampler = new ConnectionSampler({ port, now: time.now });
    const tab = await client(port);
    expect(await sampler.sample()).toEqual({ openConnections: 1, secondsSinceRequest: null });
    time.ms += 30_000;
    expect(await sampler.sample()).toEqual({ openConnections: 1, secondsSinceRequest: null });

    await request(tab);
    time.ms += 30_000;
    expect(await sampler.sample()).toEqual({ openConnections: 1, secondsSinceRequest: 0 });
    time.ms += 45_000;
    expect(await sampler.sample()).toEqual({ openConnections: 1, secondsSinceRequest: 45 });
  });

  it('sees a new connection that sent a request, not one that sent nothing', async () => {
    const port = await server();
    const time = clock();
    const sampler = new ConnectionSampler({ port, now: time.now });
    expect(await sampler.sample()).toEqual({ openConnections: 0, secondsSinceRequest: null });
    await client(port); // a preconnect
    time.ms += 5000;
    expect(await sampler.sample()).toEqual({ openConnections: 1, secondsSinceRequest: null });
    await request(await client(port));
    time.ms += 5000;
    expect(await sampler.sample()).toEqual({ openConnections: 2, secondsSinceRequest: 0 });
  });

  it("ignores the agent's own connections, old and new", async () => {
    const port = await server();
    const own = new Set<number>();
    const sampler = new ConnectionSampler({ port, ownPorts: () => own });
    const probe = await client(port);
    own.add(probe.localPort ?? -1);
    expect(await sampler.sample()).toEqual({ openConnections: 0, secondsSinceRequest: null });
    await request(probe);
    const newProbe = await client(port); // the prober reconnected after the WebUI closed its connection
    own.add(newProbe.localPort ?? -1);
    await request(newProbe);
    expect(await sampler.sample()).toEqual({ openConnections: 0, secondsSinceRequest: null });
    await request(await client(port)); // same host, another port: a client
    expect(await sampler.sample()).toEqual({ openConnections: 1, secondsSinceRequest: 0 });
  });

  it('falls back to /proc when ss is missing: new connections count, bytes cannot', async () => {
    const port = await server();
    const time = clock();
    const missing = () => Promise.reject(Object.assign(new Error('spawn ss ENOENT'), { code: 'ENOENT' }));
    const sampler = new ConnectionSampler({ port, now: time.now, run: missing });
    const tab = await client(port);
    expect(await sampler.sample()).toEqual({ openConnections: 1, secondsSinceRequest: null });
    await request(tab); // invisible without byte counts
    time.ms += 10_000;
    expect(await sampler.sample()).toEqual({ openConnections: 1, secondsSinceRequest: null });
    await client(port);
    time.ms += 10_000;
    expect(await sampler.sample()).toEqual({ openConnections: 2, secondsSinceRequest: 0 });
  });

  it('reports unknown when neither ss nor /proc can be read', async () => {
    const sampler = new ConnectionSampler({
      port: 1,
      run: () => Promise.reject(new Error('no ss')),
      procFiles: ['/nonexistent/tcp'],
    });
    expect(await sampler.sample()).toEqual({ openConnections: null, secondsSinceRequest: null });
  });
});
