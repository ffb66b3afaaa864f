import { TAILSCALE_TAGS } from '../api/tailscale.js';
import { UI_KINDS } from '../profile/ui-kinds.js';

/** A network-level grant: `src` may open connections to `dst` on the `ip` ports (`tcp:N`, `N`, `*`). */
export interface TailscaleGrant {
  src: string[];
  dst: string[];
  ip: string[];
}

/** A legacy ACL rule: `dst` entries are `selector:ports` (`tag:x:80,443`, `*:*`). */
export interface TailscaleAcl {
  action: string;
  src: string[];
  dst: string[];
  proto?: string;
}

/**
 * A policy test: from `src`, every `accept` destination (`selector:port`) is reachable and no `deny` one is
 * (`proto` narrows it to one protocol; without it TCP or UDP counts).
 */
export interface TailscaleTest {
  src: string;
  accept?: string[];
  deny?: string[];
  proto?: string;
}

/**
 * A Tailscale SSH test: from `src` to each `dst` device, the local users in `accept` may log in, those in
 * `check` may after a re-authentication, and those in `deny` may not.
 */
export interface TailscaleSshTest {
  src: string;
  dst: string[];
  accept?: string[];
  check?: string[];
  deny?: string[];
}

/** Attributes given to devices (`funnel`, …): they open no tailnet connection, but `funnel` exposes a device. */
export interface TailscaleNodeAttr {
  target: string[];
  attr: string[];
}

/**
 * A Tailscale SSH rule: `src` may open SSH sessions on `dst` devices as the local `users` (`accept`; `check`
 * asks for a recent re-authentication). The network path to tcp:22 still needs a grant.
 */
export interface TailscaleSshRule {
  action: 'accept' | 'check';
  src: string[];
  dst: string[];
  users: string[];
  checkPeriod?: string;
}

/** The parts of a tailnet policy file PodPilot writes or reads. */
export interface TailscalePolicy {
  groups?: Record<string, string[]>;
  hosts?: Record<string, string>;
  tagOwners?: Record<string, string[]>;
  acls?: TailscaleAcl[];
  grants?: TailscaleGrant[];
  tests?: TailscaleTest[];
  ssh?: TailscaleSshRule[];
  sshTests?: TailscaleSshTest[];
  nodeAttrs?: TailscaleNodeAttr[];
}

/** The local users an owner may log in as on an agent's container over Tailscale SSH. */
export const AGENT_SSH_USERS = ['root', 'podpilot'];

export interface PodpilotPolicyOptions {
  /** The port the hub listens on (PODPILOT_PORT, 7300 by default). */
  hubPort: number;
  /** The agents' WebUI ports; default: every port in UI_KINDS. */
  webuiPorts?: number[];
  /**
   * Who may reach the agents' WebUIs and SSH and the hub: `autogroup:admin` (default), `autogroup:member`,
   * a group (`group:x`, defined in the tailnet's `groups`) or a user (`user@example.com`).
   */
  owner?: string;
  /**
   * The identity the owner tests run as. Defaults to the owner; give a real user (e-mail) when the owner is
   * an autogroup and the tailnet's validator wants a concrete identity in `tests`.
   */
  testUser?: string;
}

/** The hub's port when PODPILOT_PORT is not set. */
export const DEFAULT_HUB_PORT = 7300;

/** Every WebUI port a profile can use, ascending, without repeats. */
export function webuiPorts(): number[] {
  return [...new Set(Object.values(UI_KINDS).map((k) => k.port))].sort((a, b) => a - b);
}

const OWNER = /^(autogroup:(admin|member)|group:[A-Za-z0-9][A-Za-z0-9._-]*|[^\s@:,]+@[^\s@:,]+)$/;
const USER = /^[^\s@:,]+@[^\s@:,]+$/;

/** Why `selector` cannot be the owner, or null when it can. */
export function ownerProblem(selector: string): string | null {
  return OWNER.test(selector)
    ? null
    : `expected autogroup:admin, autogroup:member, group:NAME or a user e-mail, got "${selector}"`;
}

function checkPort(name: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new RangeError(`${name}: expected a TCP port 1-65535, got ${port}`);
}

/**
 * The tailnet policy PodPilot needs: agents reach only the hub's port; the owner reaches the agents' WebUIs,
 * their SSH and the hub; nothing lets an agent reach another agent; no allow-all. `tests` prove each part.
 * The `ssh` rule lets the owner log in to agents with Tailscale SSH (agents run `tailscale up --ssh`), as
 * root or podpilot; `sshTests` prove it, and that neither an agent nor the hub can log in to an agent.
 */
export function podpilotPolicy(options: PodpilotPolicyOptions): TailscalePolicy {
  const { hub, agent } = TAILSCALE_TAGS;
  const owner = options.owner ?? 'autogroup:admin';
  const problem = ownerProblem(owner);
  if (problem) throw new RangeError(`owner: ${problem}`);
  if (options.testUser !== undefined && !USER.test(options.testUser))
    throw new RangeError(`testUser: expected a user e-mail, got "${options.testUser}"`);
  checkPort('hubPort', options.hubPort);
  const ports = [...new Set(options.webuiPorts ?? webuiPorts())].sort((a, b) => a - b);
  if (!ports.length) throw new RangeError('webuiPorts: expected at least one port');
  for (const p of ports) checkPort('webuiPorts', p);
  const hubPort = options.hubPort;
  const tester = options.testUser ?? owner;

  return {
    tagOwners: {
      [hub]: ['autogroup:admin'],
      [agent]: [hub, 'autogroup:admin'],
    },
    grants: [
      { src: [agent], dst: [hub], ip: [`tcp:${hubPort}`] },
      { src: [owner], dst: [agent], ip: [...ports.map((p) => `tcp:${p}`), 'tcp:22'] },
      { src: [owner], dst: [hub], ip: [`tcp:${hubPort}`] },
    ],
    tests: [
      {
        src: agent,
        accept: [`${hub}:${hubPort}`],
        deny: [`${hub}:22`, ...ports.map((p) => `${agent}:${p}`), `${agent}:22`],
      },
      {
        src: tester,
        accept: [...ports.map((p) => `${agent}:${p}`), `${agent}:22`, `${hub}:${hubPort}`],
      },
    ],
    ssh: [{ action: 'accept', src: [owner], dst: [agent], users: [...AGENT_SSH_USERS] }],
    sshTests: [
      { src: tester, dst: [agent], accept: [...AGENT_SSH_USERS] },
      { src: agent, dst: [agent], deny: [...AGENT_SSH_USERS] },
      { src: hub, dst: [agent], deny: [...AGENT_SSH_USERS] },
    ],
  };
}

/** One value on one line: `{"src": ["tag:a"], "ip": ["tcp:1"]}`. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`)
      .join(', ')}}`;
  return JSON.stringify(value);
}

/** What each grant and test is for, in the order {@link podpilotPolicy} writes them. */
function grantComment(grant: TailscaleGrant): string {
  const { hub, agent } = TAILSCALE_TAGS;
  if (grant.src.includes(agent))
    return 'Agents reach the hub’s port and nothing else (there is no agent → agent grant).';
  if (grant.dst.includes(agent)) return 'The owner reaches the agents’ WebUI ports and SSH (tcp:22).';
  if (grant.dst.includes(hub)) return 'The owner reaches the hub (web app, API).';
  return 'Extra grant.';
}

function sshTestComment(test: TailscaleSshTest): string {
  if (test.src === TAILSCALE_TAGS.agent) return 'No agent logs in to another agent.';
  if (test.src === TAILSCALE_TAGS.hub) return 'The hub does not log in to agents either.';
  return 'The owner logs in to agents as root or podpilot.';
}

function testComment(test: TailscaleTest): string {
  return test.src === TAILSCALE_TAGS.agent
    ? 'An agent reaches the hub’s port, but not the hub’s SSH nor any agent (its WebUIs and SSH).'
    : 'The owner reaches every agent WebUI port, agent SSH and the hub.';
}

/**
 * The policy as HuJSON with short `//` comments on each part, for pasting into the tailnet policy file
 * (merge the sections into yours; keep no allow-all rule).
 */
export function renderPolicyHuJson(policy: TailscalePolicy): string {
  const lines: string[] = [
    '// PodPilot’s tailnet policy (`podpilot tailscale policy`). Merge these sections into the tailnet policy',
    '// file. Tailscale denies by default: only the grants below allow traffic, so remove the default',
    '// allow-all rule ({"action": "accept", "src": ["*"], "dst": ["*:*"]}) if the file still has it.',
    '{',
  ];
  if (policy.groups && Object.keys(policy.groups).length) {
    lines.push('  // Named sets of users.', '  "groups": {');
    for (const [k, v] of Object.entries(policy.groups)) lines.push(`    ${JSON.stringify(k)}: ${inline(v)},`);
    lines.push('  },');
  }
  if (policy.tagOwners) {
    lines.push(
      '  // Who may apply each tag: admins own the hub’s tag; the hub (which mints the agents’ auth keys)',
      '  // and admins own the agents’ tag.',
      '  "tagOwners": {',
    );
    for (const [k, v] of Object.entries(policy.tagOwners))
      lines.push(`    ${JSON.stringify(k)}: ${inline(v)},`);
    lines.push('  },');
  }
  if (policy.acls?.length) {
    lines.push('  // Legacy ACL rules.', '  "acls": [');
    for (const acl of policy.acls) lines.push(`    ${inline(acl)},`);
    lines.push('  ],');
  }
  if (policy.grants) {
    lines.push('  // Network access (a union of grants; anything not granted is denied).', '  "grants": [');
    for (const grant of policy.grants) lines.push(`    // ${grantComment(grant)}`, `    ${inline(grant)},`);
    lines.push('  ],');
  }
  if (policy.ssh?.length) {
    lines.push(
      '  // Tailscale SSH: the owner logs in to the agents’ containers (as root or podpilot), no keys needed.',
      '  "ssh": [',
    );
    for (const rule of policy.ssh) lines.push(`    ${inline(rule)},`);
    lines.push('  ],');
  }
  if (policy.tests) {
    lines.push(
      '  // Checked by Tailscale whenever the policy is saved: a failing test rejects the change.',
      '  "tests": [',
    );
    for (const test of policy.tests) lines.push(`    // ${testComment(test)}`, `    ${inline(test)},`);
    lines.push('  ],');
  }
  if (policy.sshTests) {
    lines.push('  // Tailscale SSH tests, checked on save as well.', '  "sshTests": [');
    for (const test of policy.sshTests) lines.push(`    // ${sshTestComment(test)}`, `    ${inline(test)},`);
    lines.push('  ],');
  }
  lines.push('}', '');
  return lines.join('\n');
}
