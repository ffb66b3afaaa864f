import { TAILSCALE_TAGS } from '../api/tailscale.js';

/**
 * The kinds of source/destination selectors `tailscale check` and the evaluator model, from Tailscale's policy
 * syntax reference (https://tailscale.com/docs/reference/syntax/policy-file): `*`, tags, groups, user logins
 * and a few autogroups. Everything else (IP addresses, CIDR ranges, `hosts` aliases, `ipset:`, `svc:`,
 * `user:*@domain`, other autogroups) is not modelled: the reader refuses it rather than guess.
 */
export type SelectorKind =
  | 'any'
  | 'tag'
  | 'group'
  | 'user'
  | 'autogroup:admin'
  | 'autogroup:member'
  | 'autogroup:tagged'
  | 'autogroup:self'
  | 'autogroup:internet';

const USER = /^[^\s@:,*]+@[^\s@:,*]+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

/**
 * What a selector is, or null when it is not modelled. `autogroup:members` is the legacy spelling of
 * `autogroup:member`; `autogroup:danger-all` selects every source, so it is read as `*`.
 */
export function selectorKind(selector: string): SelectorKind | null {
  if (selector === '*' || selector === 'autogroup:danger-all') return 'any';
  if (selector.startsWith('tag:')) return NAME.test(selector.slice(4)) ? 'tag' : null;
  if (selector.startsWith('group:')) return NAME.test(selector.slice(6)) ? 'group' : null;
  switch (selector) {
    case 'autogroup:admin':
      return 'autogroup:admin';
    case 'autogroup:member':
    case 'autogroup:members':
      return 'autogroup:member';
    case 'autogroup:tagged':
      return 'autogroup:tagged';
    case 'autogroup:self':
      return 'autogroup:self';
    case 'autogroup:internet':
      return 'autogroup:internet';
  }
  return USER.test(selector) ? 'user' : null;
}

/** A user login (`ann@example.com`, `ann@github`): what a group may list and a test may name. */
export function isUserLogin(selector: string): boolean {
  return USER.test(selector);
}

/**
 * Does this selector (as a source or destination) cover a PodPilot device? PodPilot's devices are tagged, so
 * `*` (and `autogroup:danger-all`), `autogroup:tagged` and the two PodPilot tags do.
 */
export function touchesPodpilot(selector: string): boolean {
  const kind = selectorKind(selector);
  if (kind === 'any' || kind === 'autogroup:tagged') return true;
  return (Object.values(TAILSCALE_TAGS) as string[]).includes(selector);
}

/**
 * Splits an ACL destination `selector:ports` (`tag:x:80,443`, `*:*`, `ann@example.com:22`) at its last colon;
 * null when there is no port part.
 */
export function splitHostPorts(entry: string): { selector: string; ports: string } | null {
  const colon = entry.lastIndexOf(':');
  if (colon <= 0) return null;
  return { selector: entry.slice(0, colon), ports: entry.slice(colon + 1) };
}

const PORT_RANGE = /^(\d{1,5})(?:-(\d{1,5}))?$/;

/** Is `spec` (`*`, `22`, `80,443`, `8000-8100`) a port list this code reads? */
export function isPortList(spec: string): boolean {
  return spec === '*' || spec.split(',').every((p) => PORT_RANGE.test(p));
}

/** Does a port list (`*`, `N`, `N-M`, comma lists) include `port`? */
export function portListIncludes(spec: string, port: number): boolean {
  if (spec === '*') return true;
  return spec.split(',').some((p) => {
    const m = PORT_RANGE.exec(p);
    if (!m) return false;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    return port >= lo && port <= hi;
  });
}

const IP_ENTRY = /^(?:([a-z0-9-]+):)?(.+)$/;

/**
 * A grant's `ip` entry (`*`, `443`, `tcp:443`, `tcp:*`, `udp:53`, `6:22`, `icmp:*`): its protocol (null for
 * any protocol) and port list, or null when it is not one of these forms.
 */
export function parseIpEntry(entry: string): { proto: string | null; ports: string } | null {
  if (entry === '*') return { proto: null, ports: '*' };
  const m = IP_ENTRY.exec(entry);
  if (!m?.[2] || !isPortList(m[2])) return null;
  return { proto: m[1] ?? null, ports: m[2] };
}

/** Is this protocol (a name or IANA number, null meaning TCP and UDP) one that carries TCP? */
export function carriesTcp(proto: string | null | undefined): boolean {
  return proto === null || proto === undefined || proto === 'tcp' || proto === '6';
}
