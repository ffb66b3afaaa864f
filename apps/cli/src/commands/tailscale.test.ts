import { parseHuJson, podpilotPolicy, renderPolicyHuJson, TAILSCALE_TAGS } from '@podpilot/common';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError } from '../lib/cli-error.js';
import { captureOutput, stubHub } from '../test-support/stub-hub.js';
import { registerTailscaleCommands } from './tailscale.js';

const HUB = TAILSCALE_TAGS.hub;
const AGENT = TAILSCALE_TAGS.agent;

function program() {
  const p = new Command('podpilot').exitOverride();
  registerTailscaleCommands(p);
  return p;
}

describe('podpilot tailscale policy', () => {
  afterEach(() => vi.restoreAllMocks());

  async function run(args: string[]) {
    const output = captureOutput();
    await program().parseAsync(['tailscale', 'policy', ...args], { from: 'user' });
    return output;
  }

  it('prints the HuJSON policy for the default hub port, without a hub', async () => {
    vi.stubEnv('PODPILOT_URL', 'http://127.0.0.1:9'); // nothing listens: it must not be asked
    const { stdout } = await run([]);
    vi.unstubAllEnvs();
    expect(stdout).toBe(renderPolicyHuJson(podpilotPolicy({ hubPort: 7300 })));
    expect(stdout).toMatch(/^\/\/ /);
  });

  it('takes --hub-port and --owner', async () => {
    const { stdout } = await run(['--hub-port', '8443', '--owner', 'autogroup:member']);
    const policy = parseHuJson(stdout);
    expect(policy).toEqual(podpilotPolicy({ hubPort: 8443, owner: 'autogroup:member' }));
    expect(stdout).toContain(`{"src": ["${AGENT}"], "dst": ["${HUB}"], "ip": ["tcp:8443"]},`);
    expect(stdout).toContain(`{"src": "autogroup:member", "accept": [`);
  });

  it('prints plain JSON with --json', async () => {
    const { stdout } = await run(['--json', '--owner', 'group:gpu', '--test-user', 'ann@example.com']);
    expect(JSON.parse(stdout)).toEqual(
      podpilotPolicy({ hubPort: 7300, owner: 'group:gpu', testUser: 'ann@example.com' }),
    );
  });

  it('refuses a bad flag', async () => {
    await expect(run(['--hub-port', 'http'])).rejects.toThrow(
      '--hub-port: expected a TCP port 1-65535, got "http"',
    );
    await expect(run(['--owner', 'tag:podpilot-hub'])).rejects.toThrow(/^--owner: /);
  });
});

describe('podpilot tailscale check', () => {
  const hubs: Awaited<ReturnType<typeof stubHub>>[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    for (const hub of hubs.splice(0)) await hub.close();
  });

  async function run(policyText: string, args: string[] = []) {
    const hub = await stubHub({
      'GET /api/tailscale/policy': () => ({ status: 200, body: { policy: policyText, etag: '"1"' } }),
    });
    hubs.push(hub);
    vi.stubEnv('PODPILOT_URL', hub.url);
    vi.stubEnv('PODPILOT_TOKEN', 'pp_test');
    const output = captureOutput();
    let error: unknown;
    try {
      await program().parseAsync(['tailscale', 'check', ...args], { from: 'user' });
    } catch (e) {
      error = e;
    }
    return { ...output, error, seen: hub.seen };
  }

  it('exits 0 and says so when the live policy matches', async () => {
    const { stdout, error, seen } = await run(renderPolicyHuJson(podpilotPolicy({ hubPort: 8443 })), [
      '--hub-port',
      '8443',
    ]);
    expect(error).toBeUndefined();
    expect(stdout).toBe('The tailnet policy enforces what PodPilot needs.\n');
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/tailscale/policy']);
  });

  it('prints the differences and exits 1 when they differ', async () => {
    const live = `{
      // the tailnet's default policy
      "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}],
    }`;
    const { stdout, error } = await run(live);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    expect((error as CliError).message).toMatch(
      /^the tailnet policy does not enforce what PodPilot needs \(\d+ differences\)$/,
    );
    expect(stdout).toMatch(/^The tailnet policy differs from PodPilot's in \d+ ways:\n/);
    expect(stdout).toContain('  - the default allow-all ACL is present');
    expect(stdout).toContain(`  - missing grant: {"src":["${AGENT}"],"dst":["${HUB}"],"ip":["tcp:7300"]}`);
    expect(stdout).toContain(`  - missing test: from ${AGENT}, deny ${AGENT}:7860`);
  });

  it('compares against the hub port asked for', async () => {
    const { error, stdout } = await run(renderPolicyHuJson(podpilotPolicy({ hubPort: 7300 })), [
      '--hub-port',
      '8443',
    ]);
    expect(error).toBeInstanceOf(CliError);
    expect(stdout).toContain(`missing grant: {"src":["${AGENT}"],"dst":["${HUB}"],"ip":["tcp:8443"]}`);
  });

  it('reports Tailscale’s old default policy (capitalised keys, legacy Users/Ports) as an allow-all', async () => {
    const oldDefault = `// Example/default ACLs for unrestricted connections.
{
  "Tests": [],
  "Groups": {"group:example": ["user1@example.com", "user2@example.com"]},
  "Hosts": {"example-host-1": "100.100.100.100"},
  "ACLs": [
    // Match absolutely everything.
    { "Action": "accept", "Users": ["*"], "Ports": ["*:*"] },
  ]
}`;
    const { stdout, error } = await run(oldDefault);
    expect((error as CliError).exitCode).toBe(1);
    expect(stdout).toContain(
      '  - the default allow-all ACL is present (it lets every device reach every port): {"action":"accept","src":["*"],"dst":["*:*"]}',
    );
  });

  it('fails closed: exit 1 naming each construct it does not model, never "enforces"', async () => {
    const text = renderPolicyHuJson(podpilotPolicy({ hubPort: 7300 })).replace(
      '"grants": [',
      '"grants": [\n    {"src": ["group:x"], "dst": ["tag:y"], "app": {"example.com/cap": [{}]}},\n' +
        '    {"src": ["my-laptop"], "dst": ["tag:y"], "ip": ["*"]},',
    );
    const { stdout, error } = await run(text);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    expect((error as CliError).message).toMatch(/^the tailnet policy could not be checked: /);
    expect((error as CliError).details).toEqual([
      'grants[0]: field "app" is not modelled',
      'grants[1].src[0]: "my-laptop" (hosts aliases and other selectors are not modelled)',
    ]);
    expect(stdout).toBe('');
  });

  it('exits 0 for the generated policy written with capitalised keys', async () => {
    const text = renderPolicyHuJson(podpilotPolicy({ hubPort: 7300 }))
      .replace('"grants"', '"Grants"')
      .replace('"tagOwners"', '"TAGOWNERS"')
      .replace('"sshTests"', '"SSHTests"');
    const { stdout, error } = await run(text);
    expect(error).toBeUndefined();
    expect(stdout).toBe('The tailnet policy enforces what PodPilot needs.\n');
  });
});
