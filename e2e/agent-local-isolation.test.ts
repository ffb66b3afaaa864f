import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRemote, tempDir } from '../apps/agent/src/provision/test-support/git-repos.js';
import { type HubProcess, ownerApiToken, startHub } from './support/hub-process.js';
import { ownerSession } from './support/owner-session.js';

const PASSWORD = 'a long enough owner password';

/**
 * A comfyui-kind "WebUI" that binds where `--listen` says (all addresses without it, as ComfyUI's own
 * `--listen 0.0.0.0` does) and reports its pid, address and environment in `ui-report.json` in its folder.
 */
const REPORTING_UI = `import http.server, json, os, sys
args = sys.argv[1:]
port, listen = 8188, '0.0.0.0'
for i, a in enumerate(args):
    if a == '--port':
        port = int(args[i + 1])
    if a == '--listen':
        listen = args[i + 1]
with open('ui-report.json.tmp', 'w') as f:
    json.dump({'pid': os.getpid(), 'listen': listen, 'port': port, 'env': dict(os.environ)}, f)
os.replace('ui-report.json.tmp', 'ui-report.json')
http.server.ThreadingHTTPServer((listen, port), http.server.SimpleHTTPRequestHandler).serve_forever()
`;

/** Secrets in the hub's own environment: no local agent or WebUI may see them. */
const HUB_SECRETS = {
  HF_TOKEN: 'hf_TheHubUsersOwnToken',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-of-the-hub',
  GITHUB_TOKEN: 'ghp_hub_token',
  PODPILOT_SECRETS_KEY: Buffer.alloc(32, 3).toString('base64'),
};

/** A live process's environment, as the kernel has it. */
function environOf(pid: number): Record<string, string> {
  const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

/** The local addresses of the TCP sockets listening on `port` (IPv4 and IPv6), from procfs. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local?.endsWith(`:${hexPort}`)) continue;
      found.push(local.slice(0, local.indexOf(':')));
    }
  }
  return found;
}

interface Instance {
  id: string;
  state: string;
  providerInstanceId: string | null;
}

/**
 * A local instance is another program of the hub's user on this machine: it gets an allowlisted environment
 * (none of the hub's secrets, in the agent or the WebUI) and its WebUI listens on loopback only.
 */
describe.runIf(existsSync('/proc/net/tcp'))('a local instance’s environment and WebUI address (e2e)', () => {
  const tmp = tempDir('podpilot-local-isolation-e2e-');
  let hub: HubProcess;
  let token: string;
  const { podpilot, api } = ownerSession(() => ({ hub, token }));
  let instance: Instance;
  let folder: string;
  let ui: { pid: number; listen: string; port: number; env: Record<string, string> };

  beforeAll(async () => {
    hub = await startHub({ env: HUB_SECRETS });
    token = await ownerApiToken(hub, PASSWORD);
    const remote = makeRemote(tmp.dir, 'reporting-ui');
    const commit = remote.commit({ 'main.py': REPORTING_UI });
    const profile = join(tmp.dir, 'isolated.yaml');
    writeFileSync(profile, `name: isolated\nui: { kind: comfyui, ref: ${commit}, repo: "${remote.url}" }\n`);
    expect(podpilot('profile', 'apply', profile).code).toBe(0);
    const launched = podpilot('launch', 'isolated', '--provider', 'local', '--wait', '--json');
    expect(launched.code, `${launched.stderr}\n${hub.output().slice(-3000)}`).toBe(0);
    instance = JSON.parse(launched.stdout) as Instance;
    expect((await api<Instance>(`/api/instances/${instance.id}`)).state).toBe('ready');
    folder = join(hub.home, 'local-instances', instance.providerInstanceId ?? '');
    ui = JSON.parse(readFileSync(join(folder, 'workspace', 'ComfyUI', 'ui-report.json'), 'utf8'));
  });
  afterAll(async () => {
    if (instance) podpilot('destroy', instance.id, '--yes');
    await hub?.stop();
    tmp.cleanup();
  });

  it('gives the agent and the WebUI none of the hub’s secrets', () => {
    const record = JSON.parse(readFileSync(join(folder, 'instance.json'), 'utf8')) as {
      process: { pid: number };
    };
    const agentEnv = environOf(record.process.pid);
    const uiEnv = environOf(ui.pid);
    for (const [name, env] of [
      ['agent', agentEnv],
      ['WebUI', uiEnv],
      ['WebUI (its own report)', ui.env],
    ] as const) {
      for (const secret of Object.keys(HUB_SECRETS))
        expect(env, `${name}: ${secret}`).not.toHaveProperty(secret);
      expect(env.PATH, name).toBeTruthy();
    }
    expect(agentEnv.PODPILOT_PROVIDER).toBe('local');
  });

  it('has the WebUI listen on 127.0.0.1 only, on the port the hub gave it', () => {
    const { webuiPort } = JSON.parse(readFileSync(join(folder, 'instance.json'), 'utf8')) as {
      webuiPort: number;
    };
    expect(ui.port).toBe(webuiPort);
    expect(ui.listen).toBe('127.0.0.1');
    expect(listeningAddresses(webuiPort)).toEqual(['0100007F']);
  });

  it('keeps the instance’s files private to the hub’s user', () => {
    expect(statSync(join(hub.home, 'local-instances')).mode & 0o077).toBe(0);
    expect(statSync(join(folder, 'workspace', 'ComfyUI', 'ui-report.json')).mode & 0o077).toBe(0);
  });
});
