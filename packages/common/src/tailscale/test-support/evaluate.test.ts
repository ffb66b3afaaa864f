import { describe, expect, it } from 'vitest';
import { TAILSCALE_TAGS } from '../../api/tailscale.js';
import { parseHuJson } from '../hujson.js';
import { podpilotPolicy, renderPolicyHuJson, type TailscalePolicy } from '../policy.js';
import { allows, identityOf, NotModelledError, runPolicyTests, runSshTests, sshOutcome } from './evaluate.js';

/*
 * What this evaluator does NOT model (so what these tests cannot prove; Tailscale's own validator runs the
 * `tests` and `sshTests` sections for real when the policy is saved):
 * - `hosts` aliases, IP addresses and CIDR ranges, `ipsets`: selectors of these kinds throw NotModelledError;
 * - autogroups other than admin, member(s), tagged, self, internet and danger-all;
 * - `via` (routing through a given exit node or subnet router), device posture (`srcPosture`, `postures`),
 *   application grants (`app` capabilities), SSH users given as `localpart:*@domain` or left out;
 * - protocols other than TCP and UDP in tests;
 * - whether Tailscale's validator accepts every selector used as a test `src` (e.g. an autogroup): here
 *   `autogroup:admin` / `autogroup:member` / `group:x` stand for one synthetic user of that kind;
 * - an SSH test needs only an SSH rule here (Tailscale also needs a network path to port 22, which the
 *   generated `tests` prove separately).
 */

const HUB = TAILSCALE_TAGS.hub;
const AGENT = TAILSCALE_TAGS.agent;

describe('the generated policy under the evaluator', () => {
  for (const owner of ['autogroup:admin', 'autogroup:member', 'group:gpu', 'ann@example.com']) {
    it(`passes all its own tests (owner ${owner}), read back from the HuJSON it renders`, () => {
      const policy = parseHuJson(
        renderPolicyHuJson(podpilotPolicy({ hubPort: 7300, owner })),
      ) as TailscalePolicy;
      if (owner === 'group:gpu') policy.groups = { 'group:gpu': ['ann@example.com'] };
      expect(policy.tests?.flatMap((t) => [...(t.accept ?? []), ...(t.deny ?? [])])).toHaveLength(11);
      expect(runPolicyTests(policy)).toEqual([]);
      expect(policy.sshTests?.flatMap((t) => [...(t.accept ?? []), ...(t.deny ?? [])])).toHaveLength(6);
      expect(runSshTests(policy)).toEqual([]);
    });
  }

  it('fails the SSH tests when agents may log in to agents, or the owner must re-authenticate', () => {
    const policy = podpilotPolicy({ hubPort: 7300 });
    policy.ssh?.push({
      action: 'accept',
      src: ['autogroup:tagged'],
      dst: [AGENT],
      users: ['autogroup:nonroot'],
    });
    expect(runSshTests(policy)).toEqual([
      { src: AGENT, dst: AGENT, user: 'podpilot', expected: 'deny', got: 'accept' },
      { src: HUB, dst: AGENT, user: 'podpilot', expected: 'deny', got: 'accept' },
    ]);
    policy.ssh = [{ action: 'check', src: ['autogroup:member'], dst: [AGENT], users: ['root', 'podpilot'] }];
    expect(runSshTests(policy).map((f) => `${f.user}:${f.got}`)).toEqual(['root:check', 'podpilot:check']);
  });

  it('passes with a concrete test user who is an admin', () => {
    const policy = podpilotPolicy({ hubPort: 7300, testUser: 'ann@example.com' });
    expect(runPolicyTests(policy, undefined, { admins: ['ann@example.com'] })).toEqual([]);
    // …and a user who is not an admin is (rightly) refused.
    expect(runPolicyTests(policy)).toHaveLength(5);
  });

  it('fails the deny tests when the default allow-all is present', () => {
    const policy = podpilotPolicy({ hubPort: 7300 });
    policy.acls = [{ action: 'accept', src: ['*'], dst: ['*:*'] }];
    expect(runPolicyTests(policy)).toEqual([
      { src: AGENT, dst: `${HUB}:22`, expected: 'deny' },
      { src: AGENT, dst: `${AGENT}:7860`, expected: 'deny' },
      { src: AGENT, dst: `${AGENT}:7865`, expected: 'deny' },
      { src: AGENT, dst: `${AGENT}:8188`, expected: 'deny' },
      { src: AGENT, dst: `${AGENT}:22`, expected: 'deny' },
    ]);
    const asGrant = podpilotPolicy({ hubPort: 7300 });
    asGrant.grants?.push({ src: ['*'], dst: ['*'], ip: ['*'] });
    expect(runPolicyTests(asGrant)).toHaveLength(5);
  });

  it('catches an agent → agent grant', () => {
    const policy = podpilotPolicy({ hubPort: 7300 });
    policy.grants?.push({ src: [AGENT], dst: [AGENT], ip: ['tcp:8188'] });
    expect(runPolicyTests(policy)).toEqual([{ src: AGENT, dst: `${AGENT}:8188`, expected: 'deny' }]);
  });

  it('fails the accept tests when a grant is missing', () => {
    const policy = podpilotPolicy({ hubPort: 7300 });
    policy.grants = policy.grants?.slice(1);
    expect(runPolicyTests(policy)).toEqual([{ src: AGENT, dst: `${HUB}:7300`, expected: 'accept' }]);
  });
});

describe('the evaluator', () => {
  const policy: TailscalePolicy = {
    groups: { 'group:ops': ['bob@example.com'] },
    grants: [
      { src: ['group:ops'], dst: ['tag:db'], ip: ['5432', 'tcp:6000-6010'] },
      { src: ['autogroup:member'], dst: ['tag:web'], ip: ['tcp:*'] },
      { src: ['tag:ci'], dst: ['tag:web'], ip: ['udp:53'] },
    ],
    acls: [
      { action: 'accept', src: ['carl@example.com'], dst: ['tag:db:80,443', 'tag:web:8000-8002'] },
      { action: 'accept', src: ['tag:ci'], dst: ['tag:db:22'], proto: 'udp' },
    ],
  };
  const can = (src: string, dst: string, port: number) =>
    allows(policy, identityOf(src), identityOf(dst), port);

  it('unions grants and ACLs, with port lists and ranges', () => {
    expect(can('bob@example.com', 'tag:db', 5432)).toBe(true);
    expect(can('bob@example.com', 'tag:db', 6005)).toBe(true);
    expect(can('bob@example.com', 'tag:db', 6011)).toBe(false);
    expect(can('group:ops', 'tag:db', 5432)).toBe(true);
    expect(can('carl@example.com', 'tag:db', 443)).toBe(true);
    expect(can('carl@example.com', 'tag:web', 8002)).toBe(true);
    expect(can('carl@example.com', 'tag:db', 5432)).toBe(false);
  });

  it('keeps tagged devices out of autogroup:member and matches only TCP', () => {
    expect(can('carl@example.com', 'tag:web', 1)).toBe(true);
    expect(can('tag:ci', 'tag:web', 1)).toBe(false);
    expect(can('tag:ci', 'tag:web', 53)).toBe(false);
    expect(can('tag:ci', 'tag:db', 22)).toBe(false);
  });

  it('refuses selectors it does not model instead of guessing', () => {
    expect(() => identityOf('autogroup:self')).toThrow(NotModelledError);
    expect(() => identityOf('100.64.0.1')).toThrow(NotModelledError);
    const withHost: TailscalePolicy = { grants: [{ src: ['my-host'], dst: ['*'], ip: ['*'] }] };
    expect(() => runPolicyTests(withHost, [{ src: AGENT, deny: [`${HUB}:22`] }])).toThrow(NotModelledError);
  });

  it('counts UDP for a test without proto, and only the protocol asked for with one', () => {
    const udpOnly: TailscalePolicy = { grants: [{ src: [AGENT], dst: [AGENT], ip: ['udp:8188'] }] };
    expect(runPolicyTests(udpOnly, [{ src: AGENT, deny: [`${AGENT}:8188`] }])).toHaveLength(1);
    expect(runPolicyTests(udpOnly, [{ src: AGENT, deny: [`${AGENT}:8188`], proto: 'tcp' }])).toEqual([]);
    expect(() => runPolicyTests(udpOnly, [{ src: AGENT, deny: [`${AGENT}:0`], proto: 'icmp' }])).toThrow(
      NotModelledError,
    );
  });

  it('matches autogroup:tagged, autogroup:self and the legacy autogroup:members', () => {
    const p: TailscalePolicy = {
      grants: [
        { src: ['autogroup:members'], dst: ['autogroup:self'], ip: ['*'] },
        { src: ['autogroup:tagged'], dst: ['tag:db'], ip: ['5432'] },
      ],
    };
    const ann = identityOf('ann@example.com');
    expect(allows(p, ann, ann, 22)).toBe(true);
    expect(allows(p, ann, identityOf('bob@example.com'), 22)).toBe(false);
    expect(allows(p, ann, identityOf(AGENT), 22)).toBe(false);
    expect(allows(p, identityOf(AGENT), identityOf('tag:db'), 5432)).toBe(true);
    expect(allows(p, ann, identityOf('tag:db'), 5432)).toBe(false);
  });
});

describe('the SSH evaluator', () => {
  const policy: TailscalePolicy = {
    groups: { 'group:ops': ['bob@example.com'] },
    ssh: [
      { action: 'accept', src: ['group:ops'], dst: ['tag:db'], users: ['autogroup:nonroot'] },
      { action: 'check', src: ['bob@example.com'], dst: ['tag:db'], users: ['root'] },
      { action: 'accept', src: ['autogroup:member'], dst: ['tag:db'], users: ['root'] },
      { action: 'accept', src: ['autogroup:member'], dst: ['autogroup:self'], users: ['root'] },
    ],
  };
  const ssh = (src: string, dst: string, user: string) =>
    sshOutcome(policy, identityOf(src), identityOf(dst), user);

  it('looks at check rules before accept rules and keeps root out of autogroup:nonroot', () => {
    expect(ssh('bob@example.com', 'tag:db', 'ubuntu')).toBe('accept');
    expect(ssh('bob@example.com', 'tag:db', 'root')).toBe('check');
    expect(ssh('carl@example.com', 'tag:db', 'root')).toBe('accept');
    expect(ssh('carl@example.com', 'tag:db', 'ubuntu')).toBe('deny');
    expect(ssh('tag:ci', 'tag:db', 'root')).toBe('deny');
    expect(ssh('carl@example.com', 'carl@example.com', 'root')).toBe('accept');
    expect(ssh('carl@example.com', 'bob@example.com', 'root')).toBe('deny');
  });

  it('runs sshTests and refuses SSH users it does not model', () => {
    expect(
      runSshTests(policy, [{ src: 'group:ops', dst: ['tag:db'], accept: ['ubuntu'], deny: ['root'] }]),
    ).toEqual([{ src: 'group:ops', dst: 'tag:db', user: 'root', expected: 'deny', got: 'accept' }]);
    const localpart: TailscalePolicy = {
      ssh: [{ action: 'accept', src: ['*'], dst: ['tag:db'], users: ['localpart:*@example.com'] }],
    };
    expect(() => sshOutcome(localpart, identityOf('tag:a'), identityOf('tag:db'), 'x')).toThrow(
      NotModelledError,
    );
  });
});
