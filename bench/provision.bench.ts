// The agent's model download (`fetchModel`: adaptive parallel ranges, in-place writes, sha256 in stream, fsync
// before the rename into the cache) beside the peer tools, in two cases:
// 1. loopback: nginx serving as fast as it can, against a sequential `curl -o` loop and aria2c -x8 -s8; the
//    ceiling is one curl of the same bytes to /dev/null (no disk, no hash).
// 2. capped: a server limiting each connection's rate and the requests per client (503 beyond), as the CDNs in
//    front of Hugging Face and Civitai do (support/capped-server.ts says why not nginx's limit_rate), against
//    `aria2c -x16 -s16 -j4`; the bound is rate x connections, or the disk (dd with fdatasync) or the hashing
//    (sha256 on one core: every download of a process hashes on one shared worker thread), whichever is lower.
// RESULT provision vs_curl_seq=<ours / curl loop's throughput> capped_vs_aria2c=... capped_vs_bound=... met=...
// --quick: 4 x 64 MiB, else 8 x 256 MiB (capped: the first 4 files); best of 2 (3) rounds for every tool.
// Ours runs in a fresh Node process per round, timed from its first call (Node's start-up excluded).
// Environment: PODPILOT_BENCH_DIR puts the destinations elsewhere (e.g. /dev/shm, to measure the downloaders
// rather than the disk); PODPILOT_BENCH_CONNECTIONS / _INITIAL / _CHUNK_MIB / _PARALLEL_FILES override ours.
import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  DEFAULT_CHUNK_SIZE,
  DEFAULT_CONNECTIONS,
  DEFAULT_INITIAL_CONNECTIONS,
} from '../apps/agent/src/download/index.js';
import { type ServerCaps, startCappedServer } from './support/capped-server.js';
import { startNginx } from './support/nginx.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OURS = fileURLToPath(new URL('./support/provision-ours.ts', import.meta.url));
const quick = process.argv.includes('--quick');
const FILES = quick ? 4 : 8;
const FILE_MIB = quick ? 64 : 256;
const ROUNDS = quick ? 2 : 3;
const CONNECTIONS = Number(process.env.PODPILOT_BENCH_CONNECTIONS ?? DEFAULT_CONNECTIONS);
const INITIAL = Number(process.env.PODPILOT_BENCH_INITIAL ?? DEFAULT_INITIAL_CONNECTIONS);
const CHUNK_MIB = Number(process.env.PODPILOT_BENCH_CHUNK_MIB ?? DEFAULT_CHUNK_SIZE / 2 ** 20);
/** Files ours fetches at once: 2, as the agent's provisioning does (provisionModels). */
const PARALLEL_FILES = Number(process.env.PODPILOT_BENCH_PARALLEL_FILES ?? 2);
const sizeMiB = FILES * FILE_MIB;
/** A CDN's limits for one client: 8 MiB/s per connection, 16 connections (bound: 128 MiB/s). */
const CAPS: ServerCaps = { mibPerSecondPerConnection: 8, connections: 16 };
const CAP_MIBPS = CAPS.mibPerSecondPerConnection;
const CAPPED_FILES = 4;
const cappedMiB = CAPPED_FILES * FILE_MIB;

const missing = [
  ['nginx', 'nginx'],
  ['aria2c', 'aria2'],
  ['curl', 'curl'],
].filter(([command]) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
if (missing.length) {
  const names = missing.map(([command]) => command).join(', ');
  console.error(
    `provision: ${names} missing; install with: apt-get install -y ${missing.map(([, pkg]) => pkg).join(' ')}`,
  );
  process.exit(2);
}

const work = await mkdtemp(join(tmpdir(), 'podpilot-bench-provision-'));
const root = join(work, 'www');
const destRoot = await mkdtemp(join(process.env.PODPILOT_BENCH_DIR ?? tmpdir(), 'podpilot-bench-dest-'));
const dest = join(destRoot, 'dest');
await mkdir(root, { recursive: true });
await chmod(work, 0o755); // nginx's workers run as nobody when started by root

/** Random files (the content cannot be compressed or deduplicated), plus their concatenation for the ceiling. */
async function makeFiles(): Promise<{ name: string; sha256: string }[]> {
  const block = Buffer.allocUnsafe(16 << 20);
  const all = await open(join(root, 'all.bin'), 'w');
  const files = [];
  for (let f = 0; f < FILES; f++) {
    const name = `model-${f}.safetensors`;
    const out = await open(join(root, name), 'w');
    const hash = createHash('sha256');
    for (let written = 0; written < FILE_MIB << 20; written += block.length) {
      randomFillSync(block);
      hash.update(block);
      await out.write(block);
      await all.write(block);
    }
    await out.close();
    files.push({ name, sha256: hash.digest('hex') });
  }
  await all.close();
  return files;
}

/** Reads every source file once so nginx serves them from the page cache in every run. */
async function warm(): Promise<void> {
  for (const name of [...files.map((f) => f.name), 'all.bin'])
    for await (const _ of createReadStream(join(root, name), { highWaterMark: 8 << 20 }));
}

/** CPU seconds of the children this process waited for (Linux /proc: cutime + cstime, in clock ticks). */
async function childCpuSeconds(): Promise<number> {
  const fields = (await readFile('/proc/self/stat', 'utf8')).replace(/^.*\) /, '').split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // fields 16 and 17, counted from after the name
}

/** CPU seconds each run's own processes took (nginx's not included), by tool. */
const cpu: Record<string, number[]> = {};

/** What a run reports itself (ours: without Node's start-up). */
interface Measured {
  seconds: number;
  cpuSeconds: number;
}

/** Seconds `run` took, or the seconds it reports itself; its CPU seconds go to `cpu`. */
async function timed(run: () => Promise<unknown>, name: string): Promise<number> {
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest, { recursive: true });
  const cpuBefore = await childCpuSeconds();
  const started = performance.now();
  const reported = (await run()) as Measured | undefined;
  const seconds = reported?.seconds ?? (performance.now() - started) / 1000;
  const cpuSeconds = reported?.cpuSeconds ?? (await childCpuSeconds()) - cpuBefore;
  cpu[name] = [...(cpu[name] ?? []), cpuSeconds];
  await rm(dest, { recursive: true, force: true });
  return seconds;
}

const exec = async (command: string, args: string[]) => {
  try {
    await promisify(execFile)(command, args, { maxBuffer: 1 << 24 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${e.stdout}\n${e.stderr}`);
  }
};

const files = await makeFiles();
const nginx = await startNginx(root, join(work, 'nginx'));
const capped = await startCappedServer(root, CAPS);
const urls = files.map((f) => nginx.url(f.name));
const cappedFiles = files.slice(0, CAPPED_FILES);

/** Ours in a fresh process: the seconds from its first call to the last verified file. */
async function ours(server: { url: (file: string) => string }, wanted: typeof files): Promise<Measured> {
  const job = {
    cacheDir: dest,
    files: wanted.map((f) => ({ ...f, url: server.url(f.name), size: FILE_MIB << 20 })),
    connections: CONNECTIONS,
    initialConnections: INITIAL,
    chunkSize: CHUNK_MIB << 20,
    parallel: PARALLEL_FILES,
  };
  const args = ['--import', 'tsx', OURS, JSON.stringify(job)];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT });
  const { seconds, cpuSeconds } = JSON.parse(stdout) as { seconds: number; cpuSeconds: number };
  return { seconds, cpuSeconds };
}

const aria2c = (connections: number, files: string[], extra: string[] = []) =>
  exec('aria2c', [
    '-q',
    `-x${connections}`,
    `-s${connections}`,
    ...extra,
    '-d',
    dest,
    '--allow-overwrite=true',
    '--file-allocation=none',
    '-Z',
    ...files,
  ]);

const runs: Record<string, () => Promise<unknown>> = {
  ours: () => ours(nginx, files),
  aria2c: () => aria2c(8, urls),
  curlSeq: async () => {
    for (const [i, url] of urls.entries()) await exec('curl', ['-s', '-o', join(dest, `${i}.bin`), url]);
  },
  ceiling: () => exec('curl', ['-s', '-o', '/dev/null', nginx.url('all.bin')]),
  // What the destination disk takes when the bytes must be durable, as ours makes them (fdatasync before
  // the rename into the cache): the bound for any downloader that keeps the file, whatever the network.
  disk: () =>
    exec('dd', [
      'if=/dev/zero',
      `of=${join(dest, 'dd.bin')}`,
      'bs=4M',
      `count=${sizeMiB / 4}`,
      'conv=fdatasync',
    ]),
  cappedOurs: () => ours(capped, cappedFiles),
  cappedAria2c: () =>
    aria2c(
      16,
      cappedFiles.map((f) => capped.url(f.name)),
      ['-j4'],
    ),
};

/** SHA-256 on one core, MiB/s (what one file's in-stream hash can take at most). */
function hashMiBps(): number {
  const block = Buffer.alloc(64 << 20, 7);
  const started = performance.now();
  const hash = createHash('sha256');
  for (let i = 0; i < 4; i++) hash.update(block);
  hash.digest();
  return 256 / ((performance.now() - started) / 1000);
}

const times: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((name) => [name, []]));
let hashPerCore = 0;
try {
  await warm();
  hashPerCore = hashMiBps();
  for (let round = 0; round < ROUNDS; round++)
    for (const [name, run] of Object.entries(runs)) times[name]?.push(await timed(run, name));
} finally {
  await nginx.stop();
  await capped.stop();
  await rm(work, { recursive: true, force: true });
  await rm(destRoot, { recursive: true, force: true });
}

const best = (name: string) => Math.min(...(times[name] ?? []));
const mibps = (name: string) => (name.startsWith('capped') ? cappedMiB : sizeMiB) / best(name);
const label = {
  ours: `fetchModel (≤${CONNECTIONS} conn from ${INITIAL}, ${CHUNK_MIB} MiB chunks, ${PARALLEL_FILES} file(s) at once, sha256)`,
  aria2c: 'aria2c -x8 -s8 -Z (no hash)',
  curlSeq: 'curl -o, one file after another',
  ceiling: 'one curl of all the bytes to /dev/null',
  disk: 'dd of the same size to the destination, fdatasync (no network)',
  cappedOurs: `capped server (${CAP_MIBPS} MiB/s per connection, ${CAPS.connections} at once): fetchModel`,
  cappedAria2c: 'capped server: aria2c -x16 -s16 -j4 (no hash)',
};
console.log(
  `${FILES} files x ${FILE_MIB} MiB = ${sizeMiB} MiB from nginx on 127.0.0.1 to ${destRoot} (capped: ${CAPPED_FILES} files), best of ${ROUNDS} rounds`,
);
for (const [name, text] of Object.entries(label))
  console.log(
    `${text.padEnd(96)} ${(times[name] ?? []).map((s) => s.toFixed(2)).join(', ')} s  ${mibps(name).toFixed(0)} MiB/s`,
  );
const bound = Math.min(CAP_MIBPS * CAPS.connections, mibps('disk'), hashPerCore);
console.log(
  `bound of the capped case: min(${CAP_MIBPS} MiB/s x ${CAPS.connections} connections, disk ${mibps('disk').toFixed(0)}, sha256 ${hashPerCore.toFixed(0)} MiB/s on the one hash thread) = ${bound.toFixed(0)} MiB/s`,
);
const ratio = (a: number, b: number) => (a / b).toFixed(2);
/** CPU seconds per GiB, the least of the rounds (ours: from its first call on, as its time). */
const cpuPerGiB = (name: string) => (Math.min(...(cpu[name] ?? [0])) * 1024) / sizeMiB;
console.log(
  `CPU per GiB on the loopback case: ours ${cpuPerGiB('ours').toFixed(2)} s (sha256 alone: ${(1024 / hashPerCore).toFixed(2)} s), curl ${cpuPerGiB('curlSeq').toFixed(2)} s, on ${availableParallelism()} cores shared with nginx`,
);
const vsCurl = mibps('ours') / mibps('curlSeq');
const cappedVsAria = mibps('cappedOurs') / mibps('cappedAria2c');
const vsBound = mibps('cappedOurs') / bound;
const met = vsCurl >= 1 && cappedVsAria >= 1 && vsBound >= 0.9;
console.log(
  `goals (loopback ≥ 1.0x the curl loop; capped ≥ 1.0x aria2c and ≥ 0.9x the bound): ${met ? 'met' : 'missed'}`,
);
console.log(
  `RESULT provision vs_curl_seq=${vsCurl.toFixed(2)} vs_aria2c=${ratio(mibps('ours'), mibps('aria2c'))} vs_ceiling=${ratio(mibps('ours'), mibps('ceiling'))} ours_mibps=${mibps('ours').toFixed(0)} curl_seq_mibps=${mibps('curlSeq').toFixed(0)} aria2c_mibps=${mibps('aria2c').toFixed(0)} ceiling_mibps=${mibps('ceiling').toFixed(0)} disk_mibps=${mibps('disk').toFixed(0)} hash_mibps_per_core=${hashPerCore.toFixed(0)} ours_cpu_s_per_gib=${cpuPerGiB('ours').toFixed(2)} curl_cpu_s_per_gib=${cpuPerGiB('curlSeq').toFixed(2)} capped_vs_aria2c=${cappedVsAria.toFixed(2)} capped_vs_bound=${vsBound.toFixed(2)} capped_ours_mibps=${mibps('cappedOurs').toFixed(0)} capped_aria2c_mibps=${mibps('cappedAria2c').toFixed(0)} bound_mibps=${bound.toFixed(0)} size_mib=${sizeMiB} goal_vs_curl_seq=1.00 goal_capped_vs_aria2c=1.00 goal_capped_vs_bound=0.90 met=${met}`,
);
