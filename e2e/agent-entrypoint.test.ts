import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRemote, tempDir } from '../apps/agent/src/provision/test-support/git-repos.js';
import { freePort } from '../apps/agent/src/test-support/free-port.js';
import type { Db } from '../apps/hub/src/db/db.js';
import { migrate } from '../apps/hub/src/db/migrate.js';
import { openPglite } from '../apps/hub/src/db/pglite.js';
import { appWithOwner, type TestHub } from '../apps/hub/src/test-support/app.js';
import { agentHarness, exitOf, type RunningAgent, TINY_UI } from './support/agent-harness.js';

const ENTRYPOINT = fileURLToPath(new URL('../docker/entrypoint.sh', import.meta.url));
const CLI = fileURLToPath(new URL('../apps/cli/dist/main.js', import.meta.url));
/** A name that never resolves (RFC 6761): only the stub tailscaled's proxy knows where the hub is. */
const HUB_HOST = 'podpilot-hub.invalid';

/**
 * A stand-in for tailscaled: logs its argv, serves a forward proxy on the `--outbound-http-proxy-listen` port
 * (absolute form and CONNECT, mapping HUB_HOST to 127.0.0.1 as tailscaled maps tailnet names), listens on
 * `--socket` once the proxy is up (what `tailscale up` waits for), and logs its stop on SIGTERM.
 */
const tailscaledStub = (log: string, pidFile: string) => `#!${process.execPath}
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const log = (line) => fs.appendFileSync(${JSON.stringify(log)}, line + '\\n');
const args = process.argv.slice(2);
const flag = (name) => args.find((a) => a.startsWith(name + '='))?.slice(name.length + 1);
fs.writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
log('tailscaled ' + args.join(' '));
process.on('SIGTERM', () => {
  log('tailscaled stopped');
  process.exit(0);
});
const resolveHost = (host) => (host === ${JSON.stringify(HUB_HOST)} ? '127.0.0.1' : null);
const handler = (req, res) => {
  log('proxy ' + req.method + ' ' + req.url);
  let target;
  try {
    target = new URL(req.url);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const address = resolveHost(target.hostname);
  if (!address || target.protocol !== 'http:') {
    res.writeHead(502).end();
    return;
  }
  const upstream = http.request(
    { host: address, port: Number(target.port || 80), method: req.method, path: target.pathname + target.search, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode || 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end());
  req.pipe(upstream);
};
const onConnect = (req, client, head) => {
  log('proxy CONNECT ' + req.url);
  const [host, port] = String(req.url).split(':');
  const address = resolveHost(host);
  if (!address) return client.end('HTTP/1.1 502 Bad Gateway\\r\\n\\r\\n');
  const upstream = net.connect(Number(port), address, () => {
    client.write('HTTP/1.1 200 Connection Established\\r\\n\\r\\n');
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
};
const port = Number(String(flag('--outbound-http-proxy-listen')).split(':').pop());
// "localhost" may resolve to either loopback address: serve both.
const listen = (host) =>
  new Promise((resolve) => {
    const server = http.createServer(handler).on('connect', onConnect);
    server.once('error', () => resolve(false));
    server.listen(port, host, () => resolve(true));
  });
Promise.all([listen('127.0.0.1'), listen('::1')]).then(([v4]) => {
  if (!v4) {
    log('tailscaled: proxy port taken');
    process.exit(1);
  }
  net.createServer((s) => s.end()).listen(flag('--socket'));
});
`;

/** A stand-in for the tailscale CLI: waits for tailscaled's socket (as \`up\` does), then logs its argv. */
const tailscaleStub = (log: string) => `#!/usr/bin/env bash
socket=''
for a in "$@"; do [[ $a == --socket=* ]] && socket="\${a#--socket=}"; done
for _ in $(seq 100); do [[ -S $socket ]] && break; sleep 0.05; done
[[ -S $socket ]] || exit 1
echo "tailscale $*" >> ${JSON.stringify(log)}
`;

/** A stand-in agent for the case without Tailscale: records its argv and environment. */
const fakeAgentStub = (record: string) => `#!/usr/bin/env bash
{ echo "args: $*"; env; } > ${JSON.stringify(record)}
exit "\${FAKE_AGENT_EXIT:-0}"
`;

function executable(path: string, text: string) {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** The environment of the test run, minus anything PodPilot or Tailscale would read. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('PODPILOT_') && !k.startsWith('TS_')) env[k] = v;
  return env;
}

const environOf = (pid: number) =>
  readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .filter(Boolean)
    .map((kv) => kv.slice(0, kv.indexOf('=')));

const childrenOf = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);

describe('docker/entrypoint.sh: tailnet first, then the agent, tailnet kept until its final sync (e2e)', () => {
  const tmp = tempDir('podpilot-entrypoint-e2e-');
  const bin = join(tmp.dir, 'bin');
  const orderLog = join(tmp.dir, 'order.log');
  const tailscaledPid = join(tmp.dir, 'tailscaled.pid');
  let db: Db;
  let hub: TestHub & { cookie: string };
  const { instanceOf, waitForState } = agentHarness(() => ({ hub, db }));
  const started: RunningAgent[] = [];
  const workspaces: string[] = [];

  beforeAll(async () => {
    mkdirSync(bin, { recursive: true });
    executable(join(bin, 'tailscaled'), tailscaledStub(orderLog, tailscaledPid));
    executable(join(bin, 'tailscale'), tailscaleStub(orderLog));
    db = await openPglite();
    await migrate(db);
    hub = await appWithOwner(db);
  });
  afterAll(async () => {
    for (const run of started) run.child.kill('SIGKILL');
    const pids: number[] = [];
    for (const ws of workspaces) {
      try {
        pids.push(-JSON.parse(readFileSync(join(ws, '.podpilot', 'webui.pid'), 'utf8')).pid);
      } catch {
        // No WebUI there.
      }
    }
    if (existsSync(tailscaledPid)) pids.push(Number(readFileSync(tailscaledPid, 'utf8')));
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await hub?.close();
    await db?.close();
    tmp.cleanup();
  });

  function runEntrypoint(env: Record<string, string>): RunningAgent {
    const child = spawn('bash', [ENTRYPOINT], {
      env: { ...cleanEnv(), PATH: `${bin}:${process.env.PATH ?? ''}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const run = { child, output: () => out, exit };
    started.push(run);
    return run;
  }

  const logLines = () => (existsSync(orderLog) ? readFileSync(orderLog, 'utf8').trim().split('\n') : []);

  it('joins the tailnet, runs the agent through the proxy only, and stops tailscaled after the final sync', async () => {
    const ui = makeRemote(tmp.dir, 'tiny-ui');
    const commit = ui.commit({ 'main.py': TINY_UI });
    const uiPort = await freePort();
    const { id, bootstrap } = await instanceOf(
      `name: entry
ui: { kind: comfyui, ref: ${commit}, repo: "${ui.url}" }
outputs: ["output/"]
args: ["--port", "${uiPort}"]
`,
      'entry',
    );
    const workspace = join(tmp.dir, 'ws');
    workspaces.push(workspace);
    const proxyPort = await freePort();
    const stateDir = join(tmp.dir, 'ts-state');
    const hubUrl = `http://${HUB_HOST}:${new URL(hub.url).port}`;
    const entry = runEntrypoint({
      PODPILOT_AGENT_CMD: `${process.execPath} ${CLI} agent`,
      PODPILOT_HUB_URL: hubUrl,
      PODPILOT_BOOTSTRAP_TOKEN: bootstrap,
      PODPILOT_WORKSPACE: workspace,
      PODPILOT_FINAL_SYNC_SECONDS: '30',
      TS_AUTHKEY: 'tskey-auth-test',
      TS_HOSTNAME: `podpilot-${id}`,
      PODPILOT_TS_PROXY_PORT: String(proxyPort),
      PODPILOT_TS_STATE_DIR: stateDir,
    });
    await waitForState(id, 'ready', 90_000).catch((error: Error) => {
      throw new Error(
        `${error.message}\nentrypoint output:\n${entry.output()}\nlog:\n${logLines().join('\n')}`,
      );
    });

    // Order: tailscaled (userspace networking, the proxy on the given port), then `tailscale up`, then the
    // agent's first hub call, which went through the proxy to a name nothing else resolves.
    const lines = logLines();
    const daemon = lines.findIndex((l) => l.startsWith('tailscaled '));
    const up = lines.findIndex((l) => l.startsWith('tailscale '));
    const register = lines.findIndex((l) => /^proxy POST .*\/register$/.test(l));
    expect(daemon, lines.join('\n')).toBe(0);
    expect(lines[daemon]).toBe(
      `tailscaled --tun=userspace-networking --state=mem: --socket=${stateDir}/tailscaled.sock ` +
        `--socks5-server=localhost:${proxyPort} --outbound-http-proxy-listen=localhost:${proxyPort}`,
    );
    expect(lines[up]).toBe(
      `tailscale --socket=${stateDir}/tailscaled.sock up --authkey=tskey-auth-test --hostname=podpilot-${id}`,
    );
    expect(up).toBeGreaterThan(daemon);
    expect(register, lines.join('\n')).toBeGreaterThan(up);
    expect(lines[register]).toMatch(new RegExp(`^proxy POST ${hubUrl.replace(/\./g, '\\.')}/`));

    // The auth key is gone before the agent starts: neither the agent nor its WebUI has it.
    const agentPid = childrenOf(entry.child.pid as number).find((pid) =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(CLI),
    );
    expect(agentPid, 'the agent is a child of the entrypoint').toBeDefined();
    const agentEnv = environOf(agentPid as number);
    expect(agentEnv).toContain('PODPILOT_HUB_PROXY');
    expect(agentEnv).not.toContain('TS_AUTHKEY');
    const webuiPid = JSON.parse(readFileSync(join(workspace, '.podpilot', 'webui.pid'), 'utf8')).pid;
    expect(environOf(webuiPid)).not.toContain('TS_AUTHKEY');

    // Written just before the stop: the agent's final sync must take it along, through the tailnet.
    const outputDir = join(workspace, 'ComfyUI', 'output');
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(join(outputDir, 'last.png'), Buffer.from('the last image'));
    writeFileSync(orderLog, 'test: SIGTERM sent\n', { flag: 'a' });
    entry.child.kill('SIGTERM');
    expect(await exitOf(entry, 90_000), entry.output()).toBe(0);
    expect(entry.output()).toMatch(/final output sync: .*backlog 0 file/);
    const stored = await db.query<{ path: string }>('select path from outputs where instance_id = $1', [id]);
    expect(stored.map((r) => r.path)).toContain('output/last.png');

    const after = logLines();
    const sigterm = after.indexOf('test: SIGTERM sent');
    const stopped = after.indexOf('tailscaled stopped');
    const lastProxied = after.findLastIndex((l) => l.startsWith('proxy '));
    expect(after.at(-1), after.join('\n')).toBe('tailscaled stopped');
    expect(lastProxied, 'the final sync reached the hub through the proxy').toBeGreaterThan(sigterm);
    expect(stopped).toBeGreaterThan(lastProxied);
  });

  it('without TS_AUTHKEY: no tailscale at all, the agent runs directly and its exit code is passed on', async () => {
    const before = logLines().length;
    const record = join(tmp.dir, 'fake-agent.env');
    executable(join(bin, 'fake-agent'), fakeAgentStub(record));
    const run = (exitCode: string) =>
      runEntrypoint({
        PODPILOT_AGENT_CMD: `${join(bin, 'fake-agent')} agent --flag`,
        PODPILOT_HUB_URL: 'http://127.0.0.1:9',
        FAKE_AGENT_EXIT: exitCode,
      });
    expect(await exitOf(run('0'), 20_000)).toBe(0);
    const seen = readFileSync(record, 'utf8').split('\n');
    expect(seen[0]).toBe('args: agent --flag');
    expect(seen).toContain('PODPILOT_HUB_URL=http://127.0.0.1:9');
    expect(seen.some((l) => l.startsWith('PODPILOT_HUB_PROXY='))).toBe(false);
    expect(logLines().length, 'tailscaled and tailscale were never called').toBe(before);
    expect(await exitOf(run('7'), 20_000)).toBe(7);
  });
});
