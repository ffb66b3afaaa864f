import type { TailscalePolicy, TailscaleTest } from '../policy.js';

/**
 * A small evaluator of tailnet policies for tests, written from Tailscale's documented semantics for what
 * PodPilot's policy uses:
 * - deny by default; `grants` (`{src, dst, ip}`) and accepting `acls` (`{action: "accept", src, dst:
 *   ["sel:ports"]}`) are one union: a connection is allowed when any rule allows it;
 * - ports: `*`, `N`, `N-M`, `tcp:N`, `tcp:N-M`, `tcp:*` (grants' `ip`); `*`, `N`, `N-M` and comma lists
 *   (ACL destinations); an ACL `proto` other than tcp (`tcp`/`6`) does not match the (TCP) tests;
 * - selectors: `tag:x`, `autogroup:admin`, `autogroup:member` (users, never tagged devices), users
 *   (`user@example.com`), `group:x` (users listed in `groups`), `*`;
 * - `tests` `{src, accept, deny}` pass when each accept destination is allowed and no deny one is.
 *
 * Not modelled (a selector of these kinds throws, so nothing passes by accident): `hosts` aliases, IP
 * addresses and CIDR ranges, `ipsets`, `autogroup:self`, `autogroup:internet` and the other autogroups,
 * `via` routing, device posture (`srcPosture`), application grants (`app`), `ssh`/`sshTests`, UDP/ICMP.
 */

/** Who opens the connection, or whose device receives it. */
export interface Identity {
  /** A tagged device (tags replace the user identity). */
  tags?: string[];
  /** A user device: the user's e-mail (may be synthetic for `group:x` / `autogroup:*` test sources). */
  user?: string;
  /** Groups the identity is in on top of the policy's `groups` lists (a `group:x` test source). */
  groups?: string[];
  admin?: boolean;
}

export interface EvaluateOptions {
  /** Users that are tailnet admins (`autogroup:admin`). */
  admins?: string[];
}

/** A selector this evaluator does not model. */
export class NotModelledError extends Error {
  override name = 'NotModelledError';
}

const USER = /^[^\s@:,]+@[^\s@:,]+$/;

/** The identity a test's `src` or destination selector stands for. */
export function identityOf(selector: string, options: EvaluateOptions = {}): Identity {
  if (selector.startsWith('tag:')) return { tags: [selector] };
  if (USER.test(selector)) return { user: selector, admin: options.admins?.includes(selector) ?? false };
  if (selector.startsWith('group:')) return { user: `member-of-${selector}`, groups: [selector] };
  if (selector === 'autogroup:admin') return { user: 'some-admin', admin: true };
  if (selector === 'autogroup:member') return { user: 'some-member', admin: false };
  throw new NotModelledError(`selector not modelled: ${selector}`);
}

function matches(selector: string, who: Identity, policy: TailscalePolicy): boolean {
  if (selector === '*') return true;
  if (selector.startsWith('tag:')) return who.tags?.includes(selector) ?? false;
  const isUser = who.user !== undefined && !who.tags?.length;
  if (selector === 'autogroup:member') return isUser;
  if (selector === 'autogroup:admin') return isUser && who.admin === true;
  if (selector.startsWith('group:'))
    return (
      isUser &&
      ((who.groups?.includes(selector) ?? false) ||
        (policy.groups?.[selector] ?? []).includes(who.user ?? ''))
    );
  if (USER.test(selector)) return isUser && who.user === selector;
  throw new NotModelledError(`selector not modelled: ${selector}`);
}

function portInRange(spec: string, port: number): boolean {
  if (spec === '*') return true;
  const m = /^(\d+)(?:-(\d+))?$/.exec(spec);
  if (!m) throw new NotModelledError(`port spec not modelled: ${spec}`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return port >= lo && port <= hi;
}

/** A grant's `ip` entry against a TCP port. */
function ipMatches(entry: string, port: number): boolean {
  if (entry === '*') return true;
  const colon = entry.indexOf(':');
  if (colon < 0) return portInRange(entry, port);
  const proto = entry.slice(0, colon);
  if (proto !== 'tcp' && proto !== '6') return false;
  return portInRange(entry.slice(colon + 1), port);
}

/** Is a TCP connection from `src` to `dst` on `port` allowed? */
export function allows(policy: TailscalePolicy, src: Identity, dst: Identity, port: number): boolean {
  for (const grant of policy.grants ?? []) {
    if ((grant as { via?: unknown }).via !== undefined) throw new NotModelledError('grant via not modelled');
    if (
      grant.src.some((s) => matches(s, src, policy)) &&
      grant.dst.some((d) => matches(d, dst, policy)) &&
      grant.ip.some((i) => ipMatches(i, port))
    )
      return true;
  }
  for (const acl of policy.acls ?? []) {
    if (acl.action !== 'accept') continue;
    if (acl.proto !== undefined && acl.proto !== 'tcp' && acl.proto !== '6') continue;
    if (!acl.src.some((s) => matches(s, src, policy))) continue;
    for (const entry of acl.dst) {
      const colon = entry.lastIndexOf(':');
      if (colon < 0) throw new NotModelledError(`ACL destination without ports: ${entry}`);
      const selector = entry.slice(0, colon);
      if (
        matches(selector, dst, policy) &&
        entry
          .slice(colon + 1)
          .split(',')
          .some((p) => portInRange(p, port))
      )
        return true;
    }
  }
  return false;
}

/** `tag:x:7300` → selector and port. */
function splitDestination(dst: string): { selector: string; port: number } {
  const colon = dst.lastIndexOf(':');
  const port = Number(dst.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port))
    throw new NotModelledError(`test destination not modelled: ${dst}`);
  return { selector: dst.slice(0, colon), port };
}

/** One failed expectation of a test. */
export interface TestFailure {
  src: string;
  dst: string;
  expected: 'accept' | 'deny';
}

/** Runs the policy's own `tests` (or `tests` given) and returns every expectation that does not hold. */
export function runPolicyTests(
  policy: TailscalePolicy,
  tests: TailscaleTest[] = policy.tests ?? [],
  options: EvaluateOptions = {},
): TestFailure[] {
  const failures: TestFailure[] = [];
  for (const test of tests) {
    const src = identityOf(test.src, options);
    for (const expected of ['accept', 'deny'] as const)
      for (const dst of test[expected] ?? []) {
        const target = splitDestination(dst);
        const allowed = allows(policy, src, identityOf(target.selector, options), target.port);
        if (allowed !== (expected === 'accept')) failures.push({ src: test.src, dst, expected });
      }
  }
  return failures;
}
