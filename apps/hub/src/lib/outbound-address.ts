import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** The one answer to every refused outbound address: it says nothing about the port or which rule refused it. */
export const OUTBOUND_REFUSED =
  'expected a public http(s) address, got one that resolves to a private address';

/**
 * Host names refused before any lookup: cloud metadata services (Google Compute Engine's
 * `metadata.google.internal` and its short form `metadata`) and `localhost` with its subdomains (RFC 6761).
 * Whatever they resolve to is refused after the lookup too; the names are refused first so that no lookup
 * of them is made at all.
 */
const REFUSED_NAMES = new Set(['metadata.google.internal', 'metadata', 'localhost']);

/**
 * Public-looking addresses that are host-internal endpoints: Azure's WireServer 168.63.129.16, which
 * Microsoft asks clients to treat like the metadata address 169.254.169.254.
 */
const REFUSED_PUBLIC = [ipaddr.parseCIDR('168.63.129.16/32')];

/** NAT64's well-known prefix (RFC 6052): the embedded IPv4 address decides. */
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');

/** A host name as the URL parser gives it, lowercase, without a trailing dot or IPv6 brackets. */
export function normaliseHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/** Whether `host` (a name, not an address) is refused by name: a metadata service or localhost. */
export function isRefusedName(host: string): boolean {
  const name = normaliseHost(host);
  return REFUSED_NAMES.has(name) || name.endsWith('.localhost');
}

/** The IPv4 address an IPv6 one carries (mapped, NAT64 /96, 6to4), or null when it carries none. */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = address.range();
  const p = address.parts;
  const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 255, low >> 8, low & 255]);
  if (range === 'ipv4Mapped') return address.toIPv4Address();
  if (range === 'rfc6052' && address.match(NAT64)) return v4(p[6] ?? 0, p[7] ?? 0);
  if (range === '6to4') return v4(p[1] ?? 0, p[2] ?? 0);
  return null;
}

/**
 * Whether an address is on the public internet: global unicast only. Refused: loopback, private (RFC 1918),
 * carrier-grade NAT 100.64/10 (Tailscale's addresses, Alibaba Cloud's metadata 100.100.100.200),
 * link-local (169.254/16 with the metadata address 169.254.169.254, fe80::/10), unique local fc00::/7 (AWS's
 * metadata fd00:ec2::254), multicast, unspecified, broadcast, documentation, benchmarking and other reserved
 * ranges, IPv4-compatible ::a.b.c.d, Teredo, and IPv6 forms of a refused IPv4 address (mapped
 * ::ffff:127.0.0.1, NAT64 64:ff9b::/96, 6to4 2002::/16). Classification by ipaddr.js.
 */
export function isPublicAddress(address: Address): boolean {
  if (address.kind() === 'ipv4') {
    const v4 = address as ipaddr.IPv4;
    return v4.range() === 'unicast' && !REFUSED_PUBLIC.some((cidr) => v4.match(cidr));
  }
  const v6 = address as ipaddr.IPv6;
  const carried = embeddedIpv4(v6);
  if (carried) return isPublicAddress(carried);
  if (v6.range() !== 'unicast') return false;
  // ::a.b.c.d (IPv4-compatible, deprecated) and anything else in ::/96.
  return v6.parts.slice(0, 6).some((part) => part !== 0);
}

/** Parses an address as a socket or lookup reports it (no zone, no brackets); null when it is none. */
export function parseAddress(text: string): Address | null {
  const bare = normaliseHost(text).replace(/%.*$/, '');
  return ipaddr.isValid(bare) ? ipaddr.parse(bare) : null;
}

/**
 * What the owner lets through although it is not public (`PODPILOT_OUTBOUND_ALLOW`): host names (exact,
 * any case) and addresses or CIDR ranges, IPv4 or IPv6.
 */
export class OutboundAllowlist {
  private readonly hosts = new Set<string>();
  private readonly ranges: [Address, number][] = [];

  constructor(entries: readonly string[] = []) {
    for (const entry of entries) {
      const trimmed = entry.trim();
      if (!trimmed) continue;
      const problem = allowEntryProblem(trimmed);
      if (problem) throw new TypeError(`PODPILOT_OUTBOUND_ALLOW: ${problem}`);
      const range = asRange(trimmed);
      if (range) this.ranges.push(range);
      else this.hosts.add(normaliseHost(trimmed));
    }
  }

  /** Whether the owner listed this host name (or this literal address as written). */
  hasHost(host: string): boolean {
    return this.hosts.has(normaliseHost(host));
  }

  /** Whether the address is in a listed range (an IPv4-mapped address also by its IPv4 form). */
  hasAddress(address: Address): boolean {
    const forms: Address[] = [address];
    if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress())
      forms.push((address as ipaddr.IPv6).toIPv4Address());
    return forms.some((form) =>
      this.ranges.some(([base, bits]) => base.kind() === form.kind() && form.match(base, bits)),
    );
  }
}

/** Whether `address` (what `hostname` resolved to, or a socket's peer) may be connected to. */
export function addressPermitted(hostname: string, address: string, allow: OutboundAllowlist): boolean {
  if (allow.hasHost(hostname)) return true;
  const parsed = parseAddress(address);
  if (!parsed) return false;
  return isPublicAddress(parsed) || allow.hasAddress(parsed);
}

/** Before any lookup: a listed name passes; a refused name, or a literal address not permitted, does not. */
export function hostPermitted(hostname: string, allow: OutboundAllowlist): boolean {
  const host = normaliseHost(hostname);
  if (allow.hasHost(host)) return true;
  if (parseAddress(host)) return addressPermitted(host, host, allow);
  return !isRefusedName(host);
}

/**
 * Why `url` is refused by what it says, before any lookup: not http(s), a metadata or localhost name, or a
 * literal address that is neither public nor allowed; null otherwise. For checks when a URL is saved: a
 * name that resolves to a private address is refused when connecting (OutboundGuard).
 */
export function outboundUrlProblem(url: string, allow: OutboundAllowlist): string | null {
  if (!URL.canParse(url)) return 'expected an http(s) URL';
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'expected an http(s) URL';
  return hostPermitted(u.hostname, allow) ? null : OUTBOUND_REFUSED;
}

/** An address or CIDR entry as a range (a bare address is a /32 or /128); null for a host name. */
function asRange(entry: string): [Address, number] | null {
  if (ipaddr.isValidCIDR(entry)) return ipaddr.parseCIDR(entry);
  const bare = entry.replace(/^\[(.*)\]$/, '$1');
  if (!ipaddr.IPv6.isValid(bare) && !ipaddr.IPv4.isValidFourPartDecimal(bare)) return null;
  const address = ipaddr.parse(bare);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/** Why one `PODPILOT_OUTBOUND_ALLOW` entry is not a host name, an address or a CIDR range; null when it is. */
export function allowEntryProblem(entry: string): string | null {
  if (asRange(entry)) return null;
  if (/^[\d.]+$/.test(entry) || entry.includes('/') || entry.includes(':'))
    return `expected a host name, an address or a CIDR range (10.0.0.0/8, fd00::/8), got "${entry}"`;
  return HOST_NAME.test(entry) ? null : `expected a host name, an address or a CIDR range, got "${entry}"`;
}

/** The entries of a comma-separated `PODPILOT_OUTBOUND_ALLOW`, without blanks. */
export function splitAllowSetting(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}
