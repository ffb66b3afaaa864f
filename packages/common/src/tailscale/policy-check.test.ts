import { describe, expect, it } from 'vitest';
import { TAILSCALE_TAGS } from '../api/tailscale.js';
import { HuJsonError } from './hujson.js';
import { podpilotPolicy, renderPolicyHuJson, type TailscalePolicy } from './policy.js';
import { comparePolicy, parsePolicy } from './policy-check.js';

const HUB = TAILSCALE_TAGS.hub;
const AGENT = TAILSCALE_TAGS.agent;
const wanted = podpilotPolicy({ hubPort: 7300 });
const clone = (p: TailscalePolicy): TailscalePolicy => structuredClone(p);

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

  it('reports a missing Tailscale SSH rule and other SSH rules reaching PodPilot devices', () => {
    const live = clone(wanted);
    live.ssh = [
      { action: 'check', src: ['autogroup:member'], dst: ['autogroup:self'], users: ['autogroup:nonroot'] },
      { action: 'accept', src: ['autogroup:member'], dst: [AGENT], users: ['root'] },
    ];
    expect(comparePolicy(live, wanted)).toEqual([
      `missing SSH rule: {"action":"accept","src":["autogroup:admin"],"dst":["${AGENT}"],"users":["root","podpilot"]}`,
      `extra SSH rule touching the PodPilot tags: {"action":"accept","src":["autogroup:member"],"dst":["${AGENT}"],"users":["root"]}`,
    ]);
    live.ssh = (wanted.ssh ?? []).map((rule) => ({ ...rule, users: [...rule.users].reverse() }));
    expect(comparePolicy(live, wanted)).toEqual([]);
  });
});

describe('parsePolicy', () => {
  it('reads a live policy file with comments, keeping only the sections compared', () => {
    const text = `// tailnet policy
{
  "groups": {"group:gpu": ["ann@example.com",],},
  "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}], // the default
  "grants": [{"src": ["autogroup:member"], "dst": ["tag:x"], "app": {"example.com/cap": [{}]}}],
  "ssh": [{"action": "check", "src": ["autogroup:member"], "dst": ["autogroup:self"], "users": ["root"]}],
}`;
    expect(parsePolicy(text)).toEqual({
      groups: { 'group:gpu': ['ann@example.com'] },
      acls: [{ action: 'accept', src: ['*'], dst: ['*:*'] }],
      grants: [{ src: ['autogroup:member'], dst: ['tag:x'], ip: [], app: { 'example.com/cap': [{}] } }],
      ssh: [{ action: 'check', src: ['autogroup:member'], dst: ['autogroup:self'], users: ['root'] }],
    });
  });

  it('refuses what is not a policy file', () => {
    expect(() => parsePolicy('[1, 2]')).toThrow(HuJsonError);
    expect(() => parsePolicy('{"grants": [{"src": "tag:x"}]}')).toThrow(
      /^not a tailnet policy file: grants\.0\.src: /,
    );
    expect(() => parsePolicy('{"grants": [')).toThrow(/^invalid HuJSON at line 1/);
  });
});
