import { describe, expect, it } from 'vitest';
import { TAILSCALE_TAGS } from '../api/tailscale.js';
import { podpilotPolicy, renderPolicyHuJson, type TailscalePolicy } from './policy.js';
import { comparePolicy } from './policy-check.js';
import { parsePolicy } from './policy-read.js';
import {
  GRANTS_DEFAULT,
  LEGACY_CAPITALISED_DEFAULT,
  LEGACY_DEFAULT_WITH_SSH,
} from './test-support/default-policies.js';

const HUB = TAILSCALE_TAGS.hub;
const AGENT = TAILSCALE_TAGS.agent;
const wanted = podpilotPolicy({ hubPort: 7300 });
const clone = (p: TailscalePolicy): TailscalePolicy => structuredClone(p);
const AGENT_DENIES = [`${HUB}:22`, `${AGENT}:7860`, `${AGENT}:7865`, `${AGENT}:8188`, `${AGENT}:22`].map(
  (dst) => `the live policy allows ${AGENT} → ${dst} (PodPilot's test wants deny)`,
);

describe('comparePolicy', () => {
  it('finds nothing when the live policy is the generated one, rules reordered and the tailnet’s own rules kept', () => {
    const live = clone(wanted);
    live.grants = [
      { src: ['autogroup:member'], dst: ['autogroup:self'], ip: ['*'] },
      ...(live.grants ?? []).reverse().map((g) => ({ ...g, ip: [...g.ip].reverse() })),
    ];
    live.acls = [{ action: 'accept', src: ['group:ops'], dst: ['tag:db:5432'] }];
    live.tagOwners = { ...live.tagOwners, 'tag:db': ['group:ops'], [AGENT]: ['autogroup:admin', HUB] };
    live.tests = [...(live.tests ?? []), { src: 'group:ops', accept: ['tag:db:5432'] }];
    expect(comparePolicy(live, wanted)).toEqual([]);
    expect(comparePolicy(parsePolicy(renderPolicyHuJson(wanted)), wanted)).toEqual([]);
  });

  it('reports the default allow-all (ACL or grant)', () => {
    const live = clone(wanted);
    live.acls = [{ action: 'accept', src: ['*'], dst: ['*:*'] }];
    live.grants = [...(live.grants ?? []), { src: ['*'], dst: ['*'], ip: ['*'] }];
    expect(comparePolicy(live, wanted)).toEqual([
      'the default allow-all ACL is present (it lets every device reach every port): {"action":"accept","src":["*"],"dst":["*:*"]}',
      'an allow-all grant is present (it lets every device reach every port): {"src":["*"],"dst":["*"],"ip":["*"]}',
      ...AGENT_DENIES,
    ]);
  });

  it('reports missing and extra grants and ACL rules that touch the PodPilot tags', () => {
    const live = clone(wanted);
    live.grants = (live.grants ?? []).slice(1);
    live.grants.push({ src: [AGENT], dst: [AGENT], ip: ['*'] });
    live.grants.push({ src: [AGENT], dst: [HUB], ip: ['tcp:7300', 'tcp:22'] });
    live.acls = [
      { action: 'accept', src: ['autogroup:member'], dst: [`${HUB}:*`] },
      { action: 'accept', src: ['group:ops'], dst: ['*:443'] },
    ];
    expect(comparePolicy(live, wanted)).toEqual([
      ...AGENT_DENIES,
      `missing grant: {"src":["${AGENT}"],"dst":["${HUB}"],"ip":["tcp:7300"]}`,
      `extra grant touching the PodPilot tags: {"src":["${AGENT}"],"dst":["${AGENT}"],"ip":["*"]}`,
      `extra grant touching the PodPilot tags: {"src":["${AGENT}"],"dst":["${HUB}"],"ip":["tcp:7300","tcp:22"]}`,
      `extra ACL rule touching the PodPilot tags: {"action":"accept","src":["autogroup:member"],"dst":["${HUB}:*"]}`,
      'extra ACL rule touching the PodPilot tags: {"action":"accept","src":["group:ops"],"dst":["*:443"]}',
    ]);
  });

  it('reports tagOwners differences, an undefined owner group and missing tests', () => {
    const forGroup = podpilotPolicy({ hubPort: 7300, owner: 'group:gpu' });
    const live = clone(forGroup);
    live.tagOwners = { [AGENT]: ['autogroup:member'] };
    live.tests = [{ src: AGENT, accept: [`${HUB}:7300`], deny: [`${HUB}:22`] }];
    expect(comparePolicy(live, forGroup)).toEqual([
      `tagOwners: ${HUB} is missing (want ["autogroup:admin"])`,
      `tagOwners: ${AGENT} is owned by ["autogroup:member"], want ["autogroup:admin","${HUB}"]`,
      'groups: group:gpu (the owner) is not defined',
      `missing test: from ${AGENT}, deny ${AGENT}:7860`,
      `missing test: from ${AGENT}, deny ${AGENT}:7865`,
      `missing test: from ${AGENT}, deny ${AGENT}:8188`,
      `missing test: from ${AGENT}, deny ${AGENT}:22`,
      `missing test: from group:gpu, accept ${AGENT}:7860`,
      `missing test: from group:gpu, accept ${AGENT}:7865`,
      `missing test: from group:gpu, accept ${AGENT}:8188`,
      `missing test: from group:gpu, accept ${AGENT}:22`,
      `missing test: from group:gpu, accept ${HUB}:7300`,
    ]);
  });

  it('reports SSH the evaluator finds wrong, and other SSH rules reaching PodPilot devices', () => {
    const live = clone(wanted);
    live.ssh = [
      { action: 'check', src: ['autogroup:member'], dst: ['autogroup:self'], users: ['autogroup:nonroot'] },
      { action: 'accept', src: ['autogroup:member'], dst: [AGENT], users: ['root'] },
    ];
    expect(comparePolicy(live, wanted)).toEqual([
      // The owner may log in as root (through the member rule) but not as podpilot.
      `Tailscale SSH from autogroup:admin to ${AGENT} as podpilot is "deny" under the live policy, PodPilot's SSH test wants "accept"`,
      `extra SSH rule touching the PodPilot tags: {"action":"accept","src":["autogroup:member"],"dst":["${AGENT}"],"users":["root"]}`,
    ]);
    live.ssh = (wanted.ssh ?? []).map((rule) => ({ ...rule, users: [...rule.users].reverse() }));
    expect(comparePolicy(live, wanted)).toEqual([]);
  });
});

describe('comparePolicy on every spelling of an allow-all', () => {
  const allowAllAcl =
    'the default allow-all ACL is present (it lets every device reach every port): {"action":"accept","src":["*"],"dst":["*:*"]}';

  it('reports Tailscale’s old default policy ("ACLs", "Users", "Ports")', () => {
    const problems = comparePolicy(parsePolicy(LEGACY_CAPITALISED_DEFAULT), wanted);
    expect(problems[0]).toBe(allowAllAcl);
    expect(problems).toContain(`missing grant: {"src":["${AGENT}"],"dst":["${HUB}"],"ip":["tcp:7300"]}`);
  });

  it('reports the lower-case legacy default and today’s grants default', () => {
    expect(comparePolicy(parsePolicy(LEGACY_DEFAULT_WITH_SSH), wanted)[0]).toBe(allowAllAcl);
    expect(comparePolicy(parsePolicy(GRANTS_DEFAULT), wanted)[0]).toBe(
      'an allow-all grant is present (it lets every device reach every port): {"src":["*"],"dst":["*"],"ip":["*"]}',
    );
  });

  it('reports a capitalised allow-all added to an otherwise correct policy', () => {
    const text = renderPolicyHuJson(wanted).replace(
      '"grants": [',
      '"ACLs": [{"Action": "accept", "Users": ["autogroup:danger-all"], "Ports": ["*:*"]}],\n  "grants": [',
    );
    expect(comparePolicy(parsePolicy(text), wanted)).toEqual([
      'the default allow-all ACL is present (it lets every device reach every port): {"action":"accept","src":["autogroup:danger-all"],"dst":["*:*"]}',
      ...AGENT_DENIES,
    ]);
  });
});

describe('comparePolicy through the evaluator', () => {
  it('accepts the generated policy however it is spelled, SSH rules split and grants narrowed', () => {
    const text = renderPolicyHuJson(wanted)
      .replace('"tagOwners"', '"TagOwners"')
      .replace('"grants"', '"Grants"')
      .replace('"tests"', '"Tests"')
      .replace('"sshTests"', '"SSHTests"');
    const live = parsePolicy(text);
    live.ssh = [
      { action: 'accept', src: ['autogroup:admin'], dst: [AGENT], users: ['root'] },
      { action: 'accept', src: ['autogroup:admin'], dst: [AGENT], users: ['podpilot'] },
    ];
    live.grants?.push({ src: ['autogroup:admin'], dst: [AGENT], ip: ['tcp:8188'] });
    expect(comparePolicy(live, wanted)).toEqual([]);
  });

  it('finds an agent that may log in to other agents, or the hub to agents', () => {
    const live = clone(wanted);
    live.ssh?.push({
      action: 'accept',
      src: [AGENT, HUB],
      dst: ['autogroup:tagged'],
      users: ['autogroup:nonroot'],
    });
    expect(comparePolicy(live, wanted)).toEqual([
      `Tailscale SSH from ${AGENT} to ${AGENT} as podpilot is "accept" under the live policy, PodPilot's SSH test wants "deny"`,
      `Tailscale SSH from ${HUB} to ${AGENT} as podpilot is "accept" under the live policy, PodPilot's SSH test wants "deny"`,
      `extra SSH rule touching the PodPilot tags: {"action":"accept","src":["${AGENT}","${HUB}"],"dst":["autogroup:tagged"],"users":["autogroup:nonroot"]}`,
    ]);
  });

  it('finds a check rule that overrides the owner’s accept, missing SSH tests and Funnel on agents', () => {
    const live = clone(wanted);
    live.ssh?.push({ action: 'check', src: ['autogroup:member'], dst: [AGENT], users: ['root'] });
    live.sshTests = live.sshTests?.slice(1);
    live.nodeAttrs = [
      { target: [AGENT], attr: ['funnel'] },
      { target: ['autogroup:member'], attr: ['funnel'] },
    ];
    expect(comparePolicy(live, wanted)).toEqual([
      `Tailscale SSH from autogroup:admin to ${AGENT} as root is "check" under the live policy, PodPilot's SSH test wants "accept"`,
      `extra SSH rule touching the PodPilot tags: {"action":"check","src":["autogroup:member"],"dst":["${AGENT}"],"users":["root"]}`,
      `Funnel (public internet access) is allowed on PodPilot devices: {"target":["${AGENT}"],"attr":["funnel"]}`,
      `missing SSH test: from autogroup:admin to ${AGENT}, accept root`,
      `missing SSH test: from autogroup:admin to ${AGENT}, accept podpilot`,
    ]);
  });

  it('finds a UDP path between agents that a rule-by-rule look would call harmless', () => {
    const live = clone(wanted);
    live.acls = [
      { action: 'accept', src: ['autogroup:tagged'], dst: ['tag:podpilot-agent:8188'], proto: 'udp' },
    ];
    expect(comparePolicy(live, wanted)).toEqual([
      `the live policy allows ${AGENT} → ${AGENT}:8188 (PodPilot's test wants deny)`,
      `extra ACL rule touching the PodPilot tags: {"action":"accept","src":["autogroup:tagged"],"dst":["${AGENT}:8188"],"proto":"udp"}`,
    ]);
  });
});
