import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ipaddr from 'ipaddr.js';
import { afterEach, describe, expect, it } from 'vitest';
import { HUB_SETTINGS } from '../env-settings.js';
import { closedPort } from '../test-support/closed-port.js';
import { allowEntryProblem, isPublicAddress, OutboundAllowlist } from './outbound-address.js';
import { OUTBOUND_REFUSED, OutboundGuard, outboundRefusal } from './outbound-guard.js';

const servers: Server[] = [];
const guards: OutboundGuard[] = [];
afterEach(async () => {
  for (const guard of guards.splice(0)) await guard.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A loopback server answering 200 (or redirecting to `location`); records the paths it was asked for. */
async function site(location?: () => string) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    if (location) res.writeHead(302, { location: location() }).end();
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen };
}

const guard = (policy: ConstructorParameters<typeof OutboundGuard>[0] = {}) => {
  const made = new OutboundGuard(policy);
  guards.push(made);
  return made;
};

/** What a fetch through `g` ends with: the answer's status, or the refusal's message, or another error. */
const outcome = (g: OutboundGuard, url: string) =>
  g.fetch(url, { redirect: 'follow' }).then(
    (res) => `HTTP ${res.status}`,
    (error: unknown) => outboundRefusal(error)?.message ?? `other: ${String(error)}`,
  );

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '100.64.0.1', // CGNAT: Tailscale
    '100.100.100.200', // Alibaba Cloud metadata
    '169.254.169.254', // AWS, GCP, Azure, Oracle metadata
    '168.63.129.16', // Azure WireServer
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '192.0.2.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254', // AWS metadata over IPv6
    'fd7a:115c:a1e0::1', // Tailscale IPv6
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '::127.0.0.1', // IPv4-compatible
    '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
    '64:ff9b::7f00:1', // NAT64 of 127.0.0.1
    '2002:7f00:1::1', // 6to4 of 127.0.0.1
    '2001:db8::1',
  ])('refuses %s', (address) => expect(isPublicAddress(ipaddr.parse(address))).toBe(false));

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    'lets %s through',
    (address) => expect(isPublicAddress(ipaddr.parse(address))).toBe(true),
  );
});

describe('OutboundAllowlist', () => {
  it('matches names, addresses and ranges; an IPv4-mapped address by its IPv4 form', () => {
    const list = new OutboundAllowlist(['Models.Lan', '10.0.0.0/8', '127.0.0.1', 'fd00::/8']);
    expect(list.hasHost('models.lan.')).toBe(true);
    expect(list.hasAddress(ipaddr.parse('10.9.8.7'))).toBe(true);
    expect(list.hasAddress(ipaddr.parse('::ffff:127.0.0.1'))).toBe(true);
    expect(list.hasAddress(ipaddr.parse('fd12::1'))).toBe(true);
    expect(list.hasAddress(ipaddr.parse('127.0.0.2'))).toBe(false);
  });

  it('names what is wrong with an entry', () => {
    expect(allowEntryProblem('10.0.0.0/33')).toMatch(/expected a host name, an address or a CIDR range/);
    expect(allowEntryProblem('127.1')).toMatch(/got "127.1"/);
    expect(allowEntryProblem('bad host')).toMatch(/got "bad host"/);
    expect(allowEntryProblem('[::1]')).toBeNull();
  });

  it('is the setting PODPILOT_OUTBOUND_ALLOW: comma-separated, each entry checked', () => {
    const schema = HUB_SETTINGS.PODPILOT_OUTBOUND_ALLOW.schema;
    expect(schema.parse(undefined)).toEqual([]);
    expect(schema.parse(' 10.0.0.0/8, models.lan ,,127.0.0.1')).toEqual([
      '10.0.0.0/8',
      'models.lan',
      '127.0.0.1',
    ]);
    const bad = schema.safeParse('10.0.0.0/8, bad host');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.message)).toEqual([
      'expected a host name, an address or a CIDR range, got "bad host"',
    ]);
  });
});

describe('OutboundGuard', () => {
  it('refuses every spelling of loopback, metadata names and addresses, before connecting', async () => {
    const { port, seen } = await site();
    const g = guard();
    const urls = [
      `http://127.0.0.1:${port}/a`,
      `http://2130706433:${port}/decimal`,
      `http://0x7f.0.0.1:${port}/hex`,
      `http://0177.0.0.1:${port}/octal`,
      `http://127.1:${port}/short`,
      `http://[::ffff:127.0.0.1]:${port}/mapped`,
      `http://[::ffff:7f00:1]:${port}/mapped-hex`,
      `http://localhost:${port}/name`,
      `http://LOCALHOST.:${port}/name-dot`,
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://100.100.100.200/latest/meta-data/',
      'http://[64:ff9b::a9fe:a9fe]/',
    ];
    for (const url of urls) expect(await outcome(g, url), url).toBe(OUTBOUND_REFUSED);
    expect(seen).toEqual([]);
  });

  it('answers an open and a closed private port alike', async () => {
    const open = await site();
    const closed = await closedPort();
    const g = guard();
    const answers = [
      await outcome(g, `http://127.0.0.1:${open.port}/x`),
      await outcome(g, `http://127.0.0.1:${closed}/x`),
    ];
    expect(answers).toEqual([OUTBOUND_REFUSED, OUTBOUND_REFUSED]);
    expect(open.seen).toEqual([]);
  });

  it('checks the address the socket connects to: one lookup per connection, its answer checked', async () => {
    const { port, seen } = await site();
    const asked: string[] = [];
    const g = guard({
      resolve: async (hostname) => {
        asked.push(hostname);
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    expect(await outcome(g, `http://models.example:${port}/rebind`)).toBe(OUTBOUND_REFUSED);
    expect(asked).toEqual(['models.example']);
    expect(seen).toEqual([]);
    const mixed = guard({
      resolve: async () => [
        { address: '8.8.8.8', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
    });
    expect(await outcome(mixed, `http://models.example:${port}/mixed`)).toBe(OUTBOUND_REFUSED);
    expect(seen).toEqual([]);
  });

  it('lets listed names, addresses and ranges through, and checks every redirect hop', async () => {
    const target = await site();
    const hop = await site(() => `http://127.0.0.1:${target.port}/after-redirect`);
    expect(await outcome(guard({ allow: ['127.0.0.1'] }), `http://127.0.0.1:${target.port}/a`)).toBe(
      'HTTP 200',
    );
    expect(
      await outcome(guard({ allow: ['127.0.0.0/8'] }), `http://[::ffff:127.0.0.1]:${target.port}/b`),
    ).toBe('HTTP 200');
    // `localhost` is listed by name; the redirect to 127.0.0.1 is not.
    expect(await outcome(guard({ allow: ['localhost'] }), `http://localhost:${hop.port}/start`)).toBe(
      OUTBOUND_REFUSED,
    );
    expect(hop.seen).toEqual(['/start']);
    expect(target.seen).toEqual(['/a', '/b']);
  });

  it('leaves an origin the owner configured unchecked, and only that origin', async () => {
    const { port, seen } = await site();
    const g = guard({ exemptOrigins: [`http://127.0.0.1:${port}/api`, undefined] });
    expect(await outcome(g, `http://127.0.0.1:${port}/ok`)).toBe('HTTP 200');
    expect(await outcome(g, `http://localhost:${port}/other-origin`)).toBe(OUTBOUND_REFUSED);
    expect(seen).toEqual(['/ok']);
  });

  it('judges a URL before it is saved by what it says', () => {
    const g = guard({ allow: ['hooks.lan'] });
    expect(g.problemWithUrl('http://127.0.0.1:9/x')).toBe(OUTBOUND_REFUSED);
    expect(g.problemWithUrl('http://[::1]/x')).toBe(OUTBOUND_REFUSED);
    expect(g.problemWithUrl('http://metadata.google.internal/')).toBe(OUTBOUND_REFUSED);
    expect(g.problemWithUrl('ftp://example.com/')).toBe('expected an http(s) URL');
    expect(g.problemWithUrl('https://hooks.example.com/x')).toBeNull();
    expect(g.problemWithUrl('http://hooks.lan/x')).toBeNull();
  });
});
