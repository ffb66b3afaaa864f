import { describe, expect, it } from 'vitest';
import { HuJsonError } from './hujson.js';
import { podpilotPolicy, renderPolicyHuJson } from './policy.js';
import { PolicyNotModelledError, parsePolicy } from './policy-read.js';
import {
  GRANTS_DEFAULT,
  LEGACY_CAPITALISED_DEFAULT,
  LEGACY_DEFAULT_WITH_SSH,
} from './test-support/default-policies.js';

/** The constructs parsePolicy names when it refuses `text` (fails the test when it does not refuse). */
function refused(text: string): string[] {
  try {
    parsePolicy(text);
  } catch (error) {
    if (error instanceof PolicyNotModelledError) return error.constructs;
    throw error;
  }
  throw new Error('parsePolicy accepted the policy');
}

describe('parsePolicy reads every spelling Tailscale accepts', () => {
  it('reads Tailscale’s old default policy: capitalised keys and the legacy Users/Ports rule', () => {
    expect(parsePolicy(LEGACY_CAPITALISED_DEFAULT)).toEqual({
      tests: [],
      groups: { 'group:example': ['user1@example.com', 'user2@example.com'] },
      hosts: { 'example-host-1': '100.100.100.100' },
      acls: [{ action: 'accept', src: ['*'], dst: ['*:*'] }],
    });
  });

  it('reads the lower-case legacy default with its SSH rule, and today’s grants default', () => {
    expect(parsePolicy(LEGACY_DEFAULT_WITH_SSH)).toEqual({
      acls: [{ action: 'accept', src: ['*'], dst: ['*:*'] }],
      ssh: [
        {
          action: 'check',
          src: ['autogroup:member'],
          dst: ['autogroup:self'],
          users: ['autogroup:nonroot', 'root'],
        },
      ],
    });
    expect(parsePolicy(GRANTS_DEFAULT).grants).toEqual([{ src: ['*'], dst: ['*'], ip: ['*'] }]);
  });

  it('reads keys in any case, legacy tests (user/allow) and current ones, and sshTests', () => {
    const text = `{
      "TAGOWNERS": {"tag:a": [], "tag:b": ["group:x"]},
      "gRaNtS": [{"SRC": ["tag:a"], "Dst": ["tag:b"], "IP": ["tcp:22"]}],
      "Ssh": [{"Action": "accept", "Src": ["group:x"], "DST": ["tag:b"], "Users": ["root"], "CheckPeriod": "1h"}],
      "Tests": [{"User": "tag:a", "Allow": ["tag:b:22"], "Deny": ["tag:b:80"]}, {"SRC": "tag:a", "Accept": ["tag:b:22"], "Proto": "tcp"}],
      "SSHTests": [{"Src": "ann@example.com", "Dst": ["tag:b"], "Accept": ["root"], "Check": ["x"], "Deny": ["y"]}],
    }`;
    expect(parsePolicy(text)).toEqual({
      tagOwners: { 'tag:a': ['autogroup:admin'], 'tag:b': ['group:x'] }, // [] is autogroup:admin
      grants: [{ src: ['tag:a'], dst: ['tag:b'], ip: ['tcp:22'] }],
      ssh: [{ action: 'accept', src: ['group:x'], dst: ['tag:b'], users: ['root'] }],
      tests: [
        { src: 'tag:a', accept: ['tag:b:22'], deny: ['tag:b:80'] },
        { src: 'tag:a', accept: ['tag:b:22'], proto: 'tcp' },
      ],
      sshTests: [{ src: 'ann@example.com', dst: ['tag:b'], accept: ['root'], check: ['x'], deny: ['y'] }],
    });
  });

  it('folds keys the way Unicode case folding does (long s, Kelvin sign)', () => {
    // "aclſ" and "chec\u212Aperiod" are not ASCII, but fold to "acls" and "checkperiod" as Unicode does.
    const policy = parsePolicy(`{
      "aclſ": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}],
      "ssh": [{"action": "check", "src": ["group:x"], "dst": ["tag:a"], "users": ["root"], "chec\u212Aperiod": "1h"}],
    }`);
    expect(policy.acls).toHaveLength(1);
    expect(policy.ssh).toHaveLength(1);
  });

  it('reads back the policy `podpilot tailscale policy` prints', () => {
    const wanted = podpilotPolicy({ hubPort: 7300, owner: 'group:gpu' });
    expect(parsePolicy(renderPolicyHuJson(wanted))).toEqual(wanted);
  });

  it('refuses what is not a policy file', () => {
    expect(() => parsePolicy('[1, 2]')).toThrow(HuJsonError);
    expect(() => parsePolicy('{"grants": [{"src": "tag:x"}]}')).toThrow(
      /^not a tailnet policy file: grants\[0\]\.src: expected a list of strings$/,
    );
    expect(() => parsePolicy('{"grants": [')).toThrow(/^invalid HuJSON at line 1/);
  });
});

describe('parsePolicy fails closed', () => {
  it('names every grant construct it does not model', () => {
    const text = `{"grants": [
      {"src": ["group:x"], "dst": ["tag:y"], "app": {"example.com/cap": [{}]}},
      {"src": ["tag:a"], "dst": ["tag:b"], "ip": ["*"], "via": ["tag:exit"]},
      {"src": ["tag:a"], "dst": ["tag:b"], "ip": ["*"], "srcPosture": ["posture:mac"]},
      {"src": ["tag:a"], "dst": ["tag:b"], "ip": ["tcp:80-"]},
    ]}`;
    expect(refused(text)).toEqual([
      'grants[0]: field "app" is not modelled',
      'grants[1]: field "via" is not modelled',
      'grants[2]: device posture ("srcposture")',
      'grants[3].ip[0]: "tcp:80-"',
    ]);
  });

  it('names unknown and unmodelled sections, selectors and autogroups', () => {
    const text = `{
      "ipsets": {"ipset:a": ["10.0.0.0/8"]},
      "postures": {"posture:mac": ["node:os == 'macos'"]},
      "somethingNew": true,
      "groups": {"group:x": ["ann@example.com", "tag:a"]},
      "acls": [
        {"action": "accept", "src": ["10.0.0.0/8", "autogroup:owner"], "dst": ["my-host:22", "100.64.0.1:*"]},
        {"action": "deny", "src": ["user:*@example.com"], "dst": ["ipset:a:*"]},
        {"action": "accept", "src": ["*"], "users": ["*"], "dst": ["tag:a:*"]},
      ],
      "derpMap": {}, "autoApprovers": {}, "disableIPv4": false,
    }`;
    expect(refused(text)).toEqual([
      '"ipsets": this top-level section is not modelled',
      '"postures": this top-level section is not modelled',
      '"somethingnew": this top-level section is not modelled',
      'groups["group:x"][1]: "tag:a" (groups of anything but users)',
      'acls[0].src[0]: "10.0.0.0/8" (IP addresses and CIDR ranges are not modelled)',
      'acls[0].src[1]: "autogroup:owner" (this autogroup is not modelled)',
      'acls[0].dst[0]: "my-host" (hosts aliases and other selectors are not modelled)',
      'acls[0].dst[1]: "100.64.0.1" (IP addresses and CIDR ranges are not modelled)',
      'acls[1].action: "deny"',
      'acls[1].src[0]: "user:*@example.com" (hosts aliases and other selectors are not modelled)',
      'acls[1].dst[0]: "ipset:a" (IP sets are not modelled)',
      'acls[2]: both "src" and its legacy spelling "users"',
    ]);
  });

  it('names a key given twice in different case, and SSH and test constructs it does not model', () => {
    const text = `{
      "acls": [], "ACLs": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}],
      "ssh": [
        {"action": "accept", "src": ["group:x"], "dst": ["tag:a"]},
        {"action": "accept", "src": ["group:x"], "dst": ["tag:a"], "users": ["localpart:*@example.com"]},
      ],
      "tests": [{"src": "ann@example.com", "proto": "icmp", "accept": ["tag:a:0"], "srcPostureAttrs": {}}],
      "sshTests": [{"src": "100.64.0.1", "dst": ["tag:a"], "accept": ["root"]}],
    }`;
    expect(refused(text)).toEqual([
      '(top): "acls" and "ACLs" are the same key',
      'ssh[0]: no "users" (the local user of the source) is not modelled',
      'ssh[1].users[0]: "localpart:*@example.com"',
      'tests[0]: device posture ("srcpostureattrs")',
      'tests[0].proto: "icmp"',
      'sshTests[0].src: "100.64.0.1" (IP addresses and CIDR ranges are not modelled)',
    ]);
  });
});
