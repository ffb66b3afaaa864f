import { chmodSync, writeFileSync } from 'node:fs';

/** A name that never resolves (RFC 6761): only the stub tailscaled's proxy knows where the hub is. */
export const HUB_HOST = 'podpilot-hub.invalid';

/**
 * A stand-in for tailscaled: logs its argv, serves a forward proxy on the `--outbound-http-proxy-listen` port
 * (absolute form and CONNECT, mapping HUB_HOST to 127.0.0.1 as tailscaled maps tailnet names), tells the
 * CLI stub where its state lives (`<socket>.statedir`: the `--statedir`, empty for `--state=mem:`), listens
 * on `--socket` once the proxy is up (what `tailscale up` waits for), and logs its stop on SIGTERM.
 */
export const tailscaledStub = (log: string, pidFile: string) => `#!${process.execPath}
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
  fs.writeFileSync(flag('--socket') + '.statedir', flag('--statedir') ?? '');
  // As the real tailscaled, replace a stale socket (left on a kept disk by a container that was stopped).
  fs.rmSync(flag('--socket'), { force: true });
  net.createServer((s) => s.end()).listen(flag('--socket'));
});
`;

/**
 * A stand-in for the tailscale CLI: waits for tailscaled's socket (as \`up\` does), then logs its argv and
 * plays the control plane. \`up --authkey=K\` logs in with K once only (single-use: the keys spent are kept
 * in \`spent\`, across containers) and writes the node's identity into tailscaled's state dir (none with
 * in-memory state); \`up\` without a key works only when that identity is there (else it needs a login).
 */
export const tailscaleStub = (log: string, spent: string) => `#!/usr/bin/env bash
socket=''
key=''
for a in "$@"; do
  [[ $a == --socket=* ]] && socket="\${a#--socket=}"
  [[ $a == --authkey=* ]] && key="\${a#--authkey=}"
done
for _ in $(seq 100); do [[ -S $socket ]] && break; sleep 0.05; done
[[ -S $socket ]] || exit 1
echo "tailscale $*" >> ${JSON.stringify(log)}
state_dir="$(cat "$socket.statedir")"
if [[ -n $key ]]; then
  if grep -qxF -- "$key" ${JSON.stringify(spent)} 2>/dev/null; then
    echo "backend error: invalid key: this single-use key has already been used" >&2
    exit 1
  fi
  echo "$key" >> ${JSON.stringify(spent)}
  [[ -n $state_dir ]] && echo "node-$RANDOM" > "$state_dir/tailscaled.state"
  exit 0
fi
[[ -n $state_dir && -s $state_dir/tailscaled.state ]] && exit 0
echo "tailscale up: needs login (no node state and no auth key)" >&2
exit 1
`;

export function executable(path: string, text: string) {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** The environment of the test run, minus anything PodPilot or Tailscale would read. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('PODPILOT_') && !k.startsWith('TS_')) env[k] = v;
  return env;
}
