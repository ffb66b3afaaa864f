import { podpilotPolicy, renderPolicyHuJson } from '@podpilot/common';
import { afterEach, describe, expect, it } from 'vitest';
import { stubHub } from '../test-support/stub-hub.js';
import { fetchLivePolicy, formatCheck, policyOptionsFromFlags, readLivePolicy } from './tailscale.js';

describe('tailscale flags', () => {
  it('defaults the hub port to 7300 and passes owner and test user on', () => {
    expect(policyOptionsFromFlags({})).toEqual({ hubPort: 7300 });
    expect(
      policyOptionsFromFlags({ hubPort: '8443', owner: 'group:gpu', testUser: 'ann@example.com' }),
    ).toEqual({
      hubPort: 8443,
      owner: 'group:gpu',
      testUser: 'ann@example.com',
    });
  });

  it('names the bad flag', () => {
    expect(() => policyOptionsFromFlags({ hubPort: '0' })).toThrow(
      '--hub-port: expected a TCP port 1-65535, got "0"',
    );
    expect(() => policyOptionsFromFlags({ hubPort: '7300x' })).toThrow(/^--hub-port: /);
    expect(() => policyOptionsFromFlags({ hubPort: '65536' })).toThrow(/^--hub-port: /);
    expect(() => policyOptionsFromFlags({ owner: '*' })).toThrow(
      '--owner: expected autogroup:admin, autogroup:member, group:NAME or a user e-mail, got "*"',
    );
    expect(() => policyOptionsFromFlags({ testUser: 'autogroup:admin' })).toThrow(/^--test-user: /);
  });
});

describe('the live policy', () => {
  const hubs: Awaited<ReturnType<typeof stubHub>>[] = [];
  afterEach(async () => {
    for (const hub of hubs.splice(0)) await hub.close();
  });

  it('is read from the hub and parsed from HuJSON', async () => {
    const wanted = podpilotPolicy({ hubPort: 7300 });
    const hub = await stubHub({
      'GET /api/tailscale/policy': () => ({
        status: 200,
        body: { policy: renderPolicyHuJson(wanted), etag: '"e1"' },
      }),
    });
    hubs.push(hub);
    expect(await fetchLivePolicy(hub.client)).toEqual(wanted);
  });

  it('that is not HuJSON is one clear error', async () => {
    const hub = await stubHub({
      'GET /api/tailscale/policy': () => ({ status: 200, body: { policy: '{"acls": [', etag: null } }),
    });
    hubs.push(hub);
    await expect(fetchLivePolicy(hub.client)).rejects.toThrow(
      /^the tailnet's policy file could not be read: invalid HuJSON at line 1/,
    );
  });

  it('is reported line by line', () => {
    expect(formatCheck([])).toBe('The tailnet policy enforces what PodPilot needs.\n');
    expect(formatCheck(['a', 'b'])).toBe(
      "The tailnet policy differs from PodPilot's in 2 ways:\n  - a\n  - b\n" +
        'Print the wanted policy with `podpilot tailscale policy` (same flags) and merge it into the policy file.\n',
    );
  });

  it('that uses what the check does not model is refused, each construct named', () => {
    let error: unknown;
    try {
      readLivePolicy(
        '{"ipsets": {}, "Grants": [{"src": ["*"], "dst": ["tag:x"], "ip": ["*"], "via": ["tag:exit"]}]}',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      message: expect.stringMatching(/^the tailnet policy could not be checked: /),
      details: ['"ipsets": this top-level section is not modelled', 'grants[0]: field "via" is not modelled'],
      exitCode: 1,
    });
  });
});
