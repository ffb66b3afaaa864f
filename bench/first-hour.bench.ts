// A newcomer's first hour, timed: `npm start` on a built, unchanged tree (spawn to "listening on"; the peer is
// the hub alone, `podpilot hub`, so the gap is what npm and the build checks add), and `podpilot ps` through
// the `podpilot` command against that hub (the peer: `node -e 0`, the floor of any Node program).
// RESULT first-hour start_ms=… hub_only_ms=… start_overhead_ms=… ps_ms=… version_ms=… node_ms=… ps_vs_node=… ps_goal=2
// met=… (the goals: a start under 3 s, `ps` within 2× `node -e 0`)
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hubGone, ownerApiToken } from '../e2e/support/hub-process.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'apps/cli/dist/main.js');
const BIN = join(root, 'apps/cli/bin/podpilot.js');
const quick = process.argv.includes('--quick');
const rounds = quick ? 3 : 7;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const r = (x: number) => Math.round(x);

/** Starts `command` (as its own process group) and resolves once it printed "listening on <url>". */
async function untilListening(command: string, args: string[], env: Record<string, string>) {
  const started = performance.now();
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, detached: true });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const found = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (found) resolve(found);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening:\n${out}`)));
  });
  return { ms: performance.now() - started, url, child, output: () => out };
}

/** Stops the process group and waits until the hub is gone from its home (npm may exit before the hub does). */
async function stop(child: ChildProcess) {
  const exited = new Promise((done) => child.once('exit', done));
  if (child.pid) process.kill(-child.pid, 'SIGTERM');
  await exited;
  while (!hubGone(home)) await new Promise((done) => setTimeout(done, 20));
}

/** Milliseconds one run of `args` (a Node program) takes, start to exit. */
function timed(args: string[], env: Record<string, string> = {}): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed:\n${run.stdout}${run.stderr}`);
  return performance.now() - started;
}

const home = await mkdtemp(join(tmpdir(), 'podpilot-bench-first-hour-'));
const env = { PODPILOT_HOME: home, PODPILOT_PORT: '0', PODPILOT_LOG_FORMAT: 'json' };
try {
  // The first start builds what is not built yet and makes the database: not what is measured.
  const first = await untilListening('npm', ['start'], env);
  const setupUrl = /Set the owner password: (\S+)/.exec(first.output())?.[1] ?? null;
  const token = await ownerApiToken(
    { url: first.url, setupUrl } as Parameters<typeof ownerApiToken>[0],
    'a long enough owner password',
  );
  await stop(first.child);

  const start: number[] = [];
  const hubOnly: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const again = await untilListening('npm', ['start'], env);
    start.push(again.ms);
    await stop(again.child);
    const alone = await untilListening(process.execPath, [CLI, 'hub'], env);
    hubOnly.push(alone.ms);
    if (i < rounds - 1) await stop(alone.child);
    else {
      const cli = { PODPILOT_URL: alone.url, PODPILOT_TOKEN: token };
      timed([BIN, 'ps'], cli); // warm the page cache
      const ps = Array.from({ length: rounds }, () => timed([BIN, 'ps'], cli));
      const version = Array.from({ length: rounds }, () => timed([BIN, '--version']));
      const node = Array.from({ length: rounds }, () => timed(['-e', '0']));
      await stop(alone.child);
      console.log(
        `npm start (built): ${start.map(r).join(', ')} ms\nhub alone:         ${hubOnly.map(r).join(', ')} ms`,
      );
      console.log(
        `podpilot ps:       ${ps.map(r).join(', ')} ms\npodpilot --version: ${version.map(r).join(', ')} ms`,
      );
      console.log(`node -e 0:         ${node.map(r).join(', ')} ms`);
      console.log(
        `RESULT first-hour start_ms=${r(median(start))} hub_only_ms=${r(median(hubOnly))} start_overhead_ms=${r(median(start) - median(hubOnly))} ps_ms=${r(median(ps))} version_ms=${r(median(version))} node_ms=${r(median(node))} ps_vs_node=${(median(ps) / median(node)).toFixed(2)} ps_goal=2 met=${median(ps) <= 2 * median(node) && median(start) < 3000}`,
      );
    }
  }
} finally {
  await rm(home, { recursive: true, force: true });
}
