import type { TailscalePolicy, TailscaleSshTest, TailscaleTest } from './policy.js';
import { carriesTcp, parseIpEntry, portListIncludes, selectorKind, splitHostPorts } from './selectors.js';

/**
 * A small evaluator of tailnet policies, written from Tailscale's documented semantics
 * (https://tailscale.com/docs/reference/syntax/policy-file) for what `tailscale check` reads:
 * - deny by default; `grants` (`{src, dst, ip}`) and `acls` (`{action: "accept", src, dst: ["sel:ports"]}`)
 *   are one union: a connection is allowed when any rule allows it;
 * - ports: `*`, `N`, `N-M` and comma lists, with a protocol in grants (`tcp:N`, `udp:N`, `6:N`); an ACL
 *   `proto` limits the rule to that protocol (none: TCP and UDP);
 * - selectors: `*`, `tag:x`, `group:x` (users listed in `groups`), users, `autogroup:admin`,
 *   `autogroup:member` (users, never tagged devices), `autogroup:tagged`, `autogroup:self` (a user's own
 *   devices), `autogroup:internet` (no tailnet device);
 * - `tests` `{src, accept, deny, proto}` pass when each accept destination is allowed and no deny one is
 *   (without `proto`, TCP or UDP counts);
 * - `ssh` rules: check rules are looked at before accept rules (the most restrictive wins); users are names,
 *   or `autogroup:nonroot` (any user but root); `sshTests` `{src, dst, accept, check, deny}` pass when each
 *   user gets that outcome. The network path to port 22 is not part of an SSH test (the `tests` section
 *   proves it).
 *
 * Not modelled (a selector or entry of these kinds throws NotModelledError, so nothing passes by accident):
 * `hosts` aliases, IP addresses and CIDR ranges, `ipsets`, the other autogroups, `via`, device posture,
 * application grants (`app`), SSH users given as `localpart:` or left out, other protocols in tests.
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

/** A selector or entry this evaluator does not model. */
export class NotModelledError extends Error {
  override name = 'NotModelledError';
}

/** The identity a test's `src` or destination selector stands for. */
export function identityOf(selector: string, options: EvaluateOptions = {}): Identity {
  switch (selectorKind(selector)) {
    case 'tag':
      return { tags: [selector] };
    case 'user':
      return { user: selector, admin: options.admins?.includes(selector) ?? false };
    case 'group':
      return { user: `member-of-${selector}`, groups: [selector] };
    case 'autogroup:admin':
      return { user: 'some-admin', admin: true };
    case 'autogroup:member':
      return { user: 'some-member', admin: false };
    default:
      throw new NotModelledError(`selector not modelled: ${selector}`);
  }
}

const isUser = (who: Identity) => who.user !== undefined && !who.tags?.length;

/** Does `selector` select `who`? `src` is the connecting side, for `autogroup:self` destinations. */
function matches(selector: string, who: Identity, policy: TailscalePolicy, src?: Identity): boolean {
  const kind = selectorKind(selector);
  switch (kind) {
    case 'any':
      return true;
    case 'tag':
      return who.tags?.includes(selector) ?? false;
    case 'autogroup:tagged':
      return (who.tags?.length ?? 0) > 0;
    case 'autogroup:member':
      return isUser(who);
    case 'autogroup:admin':
      return isUser(who) && who.admin === true;
    case 'group':
      return (
        isUser(who) &&
        ((who.groups?.includes(selector) ?? false) ||
          (policy.groups?.[selector] ?? []).includes(who.user ?? ''))
      );
    case 'user':
      return isUser(who) && who.user === selector;
    case 'autogroup:self':
      return src !== undefined && isUser(src) && isUser(who) && src.user === who.user;
    case 'autogroup:internet':
      return false;
    default:
      throw new NotModelledError(`selector not modelled: ${selector}`);
  }
}

/** Does a rule's protocol (null: TCP and UDP) carry `proto` (`tcp` or `udp`)? */
function protoCarries(ruleProto: string | null | undefined, proto: 'tcp' | 'udp'): boolean {
  if (ruleProto === null || ruleProto === undefined) return true;
  if (proto === 'tcp') return carriesTcp(ruleProto);
  return ruleProto === 'udp' || ruleProto === '17';
}

function grantAllows(
  policy: TailscalePolicy,
  src: Identity,
  dst: Identity,
  port: number,
  proto: 'tcp' | 'udp',
): boolean {
  for (const grant of policy.grants ?? []) {
    if ((grant as { via?: unknown }).via !== undefined) throw new NotModelledError('grant via not modelled');
    if (!grant.src.some((s) => matches(s, src, policy))) continue;
    if (!grant.dst.some((d) => matches(d, dst, policy, src))) continue;
    for (const entry of grant.ip) {
      const ip = parseIpEntry(entry);
      if (!ip) throw new NotModelledError(`grant ip entry not modelled: ${entry}`);
      if (protoCarries(ip.proto, proto) && portListIncludes(ip.ports, port)) return true;
    }
  }
  return false;
}

function aclAllows(
  policy: TailscalePolicy,
  src: Identity,
  dst: Identity,
  port: number,
  proto: 'tcp' | 'udp',
): boolean {
  for (const acl of policy.acls ?? []) {
    if (acl.action !== 'accept') throw new NotModelledError(`ACL action not modelled: ${acl.action}`);
    if (!protoCarries(acl.proto, proto)) continue;
    if (!acl.src.some((s) => matches(s, src, policy))) continue;
    for (const entry of acl.dst) {
      const target = splitHostPorts(entry);
      if (!target) throw new NotModelledError(`ACL destination without ports: ${entry}`);
      if (matches(target.selector, dst, policy, src) && portListIncludes(target.ports, port)) return true;
    }
  }
  return false;
}

/** Is a connection from `src` to `dst` on `port` allowed, over any of `protos` (TCP by default)? */
export function allows(
  policy: TailscalePolicy,
  src: Identity,
  dst: Identity,
  port: number,
  protos: readonly ('tcp' | 'udp')[] = ['tcp'],
): boolean {
  return protos.some(
    (proto) => grantAllows(policy, src, dst, port, proto) || aclAllows(policy, src, dst, port, proto),
  );
}

/** `tag:x:7300` → selector and port. */
function splitDestination(dst: string): { selector: string; port: number } {
  const target = splitHostPorts(dst);
  const port = Number(target?.ports);
  if (!target || !/^\d{1,5}$/.test(target.ports) || port > 65535)
    throw new NotModelledError(`test destination not modelled: ${dst}`);
  return { selector: target.selector, port };
}

function testProtocols(proto: string | undefined): ('tcp' | 'udp')[] {
  if (proto === undefined) return ['tcp', 'udp'];
  if (proto === 'tcp' || proto === '6') return ['tcp'];
  if (proto === 'udp' || proto === '17') return ['udp'];
  throw new NotModelledError(`test proto not modelled: ${proto}`);
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
    const protos = testProtocols(test.proto);
    for (const expected of ['accept', 'deny'] as const)
      for (const dst of test[expected] ?? []) {
        const target = splitDestination(dst);
        const allowed = allows(policy, src, identityOf(target.selector, options), target.port, protos);
        if (allowed !== (expected === 'accept')) failures.push({ src: test.src, dst, expected });
      }
  }
  return failures;
}

export type SshOutcome = 'accept' | 'check' | 'deny';

function sshUserMatches(entry: string, user: string): boolean {
  if (entry === 'autogroup:nonroot') return user !== 'root';
  if (entry.includes(':') || entry === '*') throw new NotModelledError(`SSH user not modelled: ${entry}`);
  return entry === user;
}

/** What Tailscale SSH does when `src` logs in to `dst` as the local `user`: check rules first, then accept. */
export function sshOutcome(policy: TailscalePolicy, src: Identity, dst: Identity, user: string): SshOutcome {
  let accepted = false;
  for (const rule of policy.ssh ?? []) {
    if (!rule.users.length) throw new NotModelledError('SSH rule without users not modelled');
    if (!rule.src.some((s) => matches(s, src, policy))) continue;
    if (!rule.dst.some((d) => matches(d, dst, policy, src))) continue;
    if (!rule.users.some((u) => sshUserMatches(u, user))) continue;
    if (rule.action === 'check') return 'check';
    if (rule.action !== 'accept') throw new NotModelledError(`SSH action not modelled: ${rule.action}`);
    accepted = true;
  }
  return accepted ? 'accept' : 'deny';
}

/** One failed expectation of an SSH test. */
export interface SshTestFailure {
  src: string;
  dst: string;
  user: string;
  expected: SshOutcome;
  got: SshOutcome;
}

/** Runs the policy's own `sshTests` (or those given) and returns every expectation that does not hold. */
export function runSshTests(
  policy: TailscalePolicy,
  tests: TailscaleSshTest[] = policy.sshTests ?? [],
  options: EvaluateOptions = {},
): SshTestFailure[] {
  const failures: SshTestFailure[] = [];
  for (const test of tests) {
    const src = identityOf(test.src, options);
    for (const dst of test.dst) {
      const target = identityOf(dst, options);
      for (const expected of ['accept', 'check', 'deny'] as const)
        for (const user of test[expected] ?? []) {
          const got = sshOutcome(policy, src, target, user);
          if (got !== expected) failures.push({ src: test.src, dst, user, expected, got });
        }
    }
  }
  return failures;
}
