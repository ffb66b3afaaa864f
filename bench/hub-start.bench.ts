// Hub cold start on embedded PGlite: a fresh home (initdb + migrations) and a reopen, spawn to first /health.
// The peer is a plain Node process that only binds an HTTP port: the floor any Node server pays.
// RESULT hub-start fresh_ms=… reopen_ms=… node_floor_ms=… reopen_vs_floor=…
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../apps/cli/dist/main.js', import.meta.url));
const quick = process.argv.includes('--quick');
const rounds = quick ? 1 : 3;

/** Milliseconds from spawn until `ready` appears in its output; then the process is stopped. */
async function timeToReady(args: string[], env: Record<string, string>, ready: RegExp): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ms = await new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve(performance.now() - started);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code} before ready:\n${out}`)));
  });
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const fresh: number[] = [];
const reopen: number[] = [];
const floor: number[] = [];
for (let i = 0; i < rounds; i++) {
  const home = await mkdtemp(join(tmpdir(), 'podpilot-bench-'));
  const env = { PODPILOT_HOME: home, PODPILOT_LOG_FORMAT: 'json' };
  fresh.push(await timeToReady([CLI, 'hub', '--port', '0'], env, /listening on/));
  reopen.push(await timeToReady([CLI, 'hub', '--port', '0'], env, /listening on/));
  floor.push(
    await timeToReady(
      ['-e', "require('http').createServer().listen(0, () => console.log('listening on'))"],
      {},
      /listening on/,
    ),
  );
  await rm(home, { recursive: true, force: true });
}
const r = (x: number) => Math.round(x);
console.log(
  `fresh:  ${fresh.map(r).join(', ')} ms\nreopen: ${reopen.map(r).join(', ')} ms\nfloor:  ${floor.map(r).join(', ')} ms`,
);
console.log(
  `RESULT hub-start fresh_ms=${r(median(fresh))} reopen_ms=${r(median(reopen))} node_floor_ms=${r(median(floor))} reopen_vs_floor=${(median(reopen) / median(floor)).toFixed(1)}`,
);
