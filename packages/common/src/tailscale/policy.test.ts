import { describe, expect, it } from 'vitest';
import { TAILSCALE_TAGS } from '../api/tailscale.js';
import { parseHuJson } from './hujson.js';
import { podpilotPolicy, renderPolicyHuJson, webuiPorts } from './policy.js';

const HUB = TAILSCALE_TAGS.hub;
const AGENT = TAILSCALE_TAGS.agent;

describe('podpilotPolicy', () => {
  it('uses every WebUI port of UI_KINDS once', () => {
    expect(webuiPorts()).toEqual([7860, 7865, 8188]);
  });

  it('lets agents reach only the hub port, the owner reach agents and hub, and nothing else', () => {
    expect(podpilotPolicy({ hubPort: 7300 })).toEqual({
      tagOwners: { [HUB]: ['autogroup:admin'], [AGENT]: [HUB, 'autogroup:admin'] },
      grants: [
        { src: [AGENT], dst: [HUB], ip: ['tcp:7300'] },
        { src: ['autogroup:admin'], dst: [AGENT], ip: ['tcp:7860', 'tcp:7865', 'tcp:8188', 'tcp:22'] },
        { src: ['autogroup:admin'], dst: [HUB], ip: ['tcp:7300'] },
      ],
      tests: [
        {
          src: AGENT,
          accept: [`${HUB}:7300`],
          deny: [`${HUB}:22`, `${AGENT}:7860`, `${AGENT}:7865`, `${AGENT}:8188`, `${AGENT}:22`],
        },
        {
          src: 'autogroup:admin',
          accept: [`${AGENT}:7860`, `${AGENT}:7865`, `${AGENT}:8188`, `${AGENT}:22`, `${HUB}:7300`],
        },
      ],
      ssh: [{ action: 'accept', src: ['autogroup:admin'], dst: [AGENT], users: ['root', 'podpilot'] }],
      sshTests: [
        { src: 'autogroup:admin', dst: [AGENT], accept: ['root', 'podpilot'] },
        { src: AGENT, dst: [AGENT], deny: ['root', 'podpilot'] },
        { src: HUB, dst: [AGENT], deny: ['root', 'podpilot'] },
      ],
    });
  });

  it('takes the owner, the test user and the ports', () => {
    const policy = podpilotPolicy({
      hubPort: 8443,
      owner: 'group:gpu',
      testUser: 'ann@example.com',
      webuiPorts: [8188, 7860, 8188],
    });
    expect(policy.grants?.[1]).toEqual({
      src: ['group:gpu'],
      dst: [AGENT],
      ip: ['tcp:7860', 'tcp:8188', 'tcp:22'],
    });
    expect(policy.grants?.[0]?.ip).toEqual(['tcp:8443']);
    expect(policy.tests?.[1]?.src).toBe('ann@example.com');
    // Tailscale SSH to the agents for the same owner.
    expect(policy.ssh).toEqual([
      { action: 'accept', src: ['group:gpu'], dst: [AGENT], users: ['root', 'podpilot'] },
    ]);
    expect(podpilotPolicy({ hubPort: 1, owner: 'autogroup:member' }).grants?.[2]?.src).toEqual([
      'autogroup:member',
    ]);
    expect(podpilotPolicy({ hubPort: 1, owner: 'ann@example.com' }).tests?.[1]?.src).toBe('ann@example.com');
  });

  it('refuses a bad owner or port', () => {
    expect(() => podpilotPolicy({ hubPort: 7300, owner: '*' })).toThrow(/^owner: expected autogroup:admin/);
    expect(() => podpilotPolicy({ hubPort: 7300, owner: 'tag:podpilot-agent' })).toThrow(/^owner: /);
    expect(() => podpilotPolicy({ hubPort: 0 })).toThrow('hubPort: expected a TCP port 1-65535, got 0');
    expect(() => podpilotPolicy({ hubPort: 70000 })).toThrow(/^hubPort: /);
    expect(() => podpilotPolicy({ hubPort: 7300, webuiPorts: [] })).toThrow(/^webuiPorts: /);
    expect(() => podpilotPolicy({ hubPort: 7300, testUser: 'group:x' })).toThrow(/^testUser: /);
  });
});

describe('renderPolicyHuJson', () => {
  const policy = podpilotPolicy({ hubPort: 7300 });
  const text = renderPolicyHuJson(policy);

  it('reads back as the same policy', () => {
    expect(parseHuJson(text)).toEqual(policy);
  });

  it('explains each part in a comment and has no allow-all rule', () => {
    expect(text).toMatch(/^\/\/ PodPilot’s tailnet policy/);
    expect(text).toContain('// Who may apply each tag');
    expect(text).toContain(
      '// Agents reach the hub’s port and nothing else (there is no agent → agent grant).',
    );
    expect(text).toContain('// The owner reaches the agents’ WebUI ports and SSH (tcp:22).');
    expect(text).toContain('// The owner reaches the hub (web app, API).');
    expect(text).toContain('// An agent reaches the hub’s port, but not the hub’s SSH nor any agent');
    expect(text).toContain(`{"src": ["${AGENT}"], "dst": ["${HUB}"], "ip": ["tcp:7300"]},`);
    expect(text).toContain('// Tailscale SSH: the owner logs in to the agents’ containers');
    expect(text).toContain(
      `{"action": "accept", "src": ["autogroup:admin"], "dst": ["${AGENT}"], "users": ["root", "podpilot"]},`,
    );
    expect(text).toContain('// No agent logs in to another agent.');
    expect(text).toContain(`{"src": "${AGENT}", "dst": ["${AGENT}"], "deny": ["root", "podpilot"]},`);
    const json = JSON.stringify(parseHuJson(text));
    expect(json).not.toContain('"*"');
    expect(json).not.toContain('"acls"');
  });
});
