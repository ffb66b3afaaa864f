// The agent's model download (`fetchModel`: parallel ranges, in-place writes, sha256 in stream, fsync before
// the rename into the cache) against aria2c -x8 -s8 and a sequential curl loop, all fetching the same files
// from nginx on loopback; the ceiling is one curl of the same bytes to /dev/null (no disk, no hash).
// RESULT provision vs_aria2c=<ours / aria2c's throughput> vs_ceiling=<ours / the ceiling's> ...
// --quick: 4 x 64 MiB, else 8 x 256 MiB; best of 2 (3) rounds for every tool. Ours runs in a fresh Node
// process per round, timed from its first call (Node's start-up excluded), one file after another.
// Environment: PODPILOT_BENCH_DIR puts the destinations elsewhere (e.g. /dev/shm, to measure the downloaders
// rather than the disk); PODPILOT_BENCH_CONNECTIONS / _CHUNK_MIB / _PARALLEL_FILES override our settings.
import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_CHUNK_SIZE, DEFAULT_CONNECTIONS } from '../apps/agent/src/download/index.js';
import { startNginx } from './support/nginx.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OURS = fileURLToPath(new URL('./support/provision-ours.ts', import.meta.url));
const quick = process.argv.includes('--quick');
const FILES = quick ? 4 : 8;
const FILE_MIB = quick ? 64 : 256;
const ROUNDS = quick ? 2 : 3;
const CONNECTIONS = Number(process.env.PODPILOT_BENCH_CONNECTIONS ?? DEFAULT_CONNECTIONS);
const CHUNK_MIB = Number(process.env.PODPILOT_BENCH_CHUNK_MIB ?? DEFAULT_CHUNK_SIZE / 2 ** 20);
/** How many files ours fetches at once: 1 (one after the other) measured faster here than 2. */
const PARALLEL_FILES = Number(process.env.PODPILOT_BENCH_PARALLEL_FILES ?? 1);
const sizeMiB = FILES * FILE_MIB;

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

/** Seconds `run` took, or the seconds it reports itself (ours: without Node's start-up). */
async function timed(run: () => Promise<unknown>): Promise<number> {
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest, { recursive: true });
  const started = performance.now();
  const reported = await run();
  const seconds = typeof reported === 'number' ? reported : (performance.now() - started) / 1000;
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
const urls = files.map((f) => nginx.url(f.name));

const runs: Record<string, () => Promise<unknown>> = {
  ours: async () => {
    const job = {
      cacheDir: dest,
      files: files.map((f) => ({ ...f, url: nginx.url(f.name), size: FILE_MIB << 20 })),
      connections: CONNECTIONS,
      chunkSize: CHUNK_MIB << 20,
      parallel: PARALLEL_FILES,
    };
    const args = ['--import', 'tsx', OURS, JSON.stringify(job)];
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT });
    return (JSON.parse(stdout) as { seconds: number }).seconds;
  },
  aria2c: () =>
    exec('aria2c', [
      '-q',
      '-x8',
      '-s8',
      '-d',
      dest,
      '--allow-overwrite=true',
      '--file-allocation=none',
      '-Z',
      ...urls,
    ]),
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
};

const times: Record<string, number[]> = { ours: [], aria2c: [], curlSeq: [], ceiling: [], disk: [] };
try {
  await warm();
  for (let round = 0; round < ROUNDS; round++)
    for (const [name, run] of Object.entries(runs)) times[name]?.push(await timed(run));
} finally {
  await nginx.stop();
  await rm(work, { recursive: true, force: true });
  await rm(destRoot, { recursive: true, force: true });
}

const best = (name: string) => Math.min(...(times[name] ?? []));
const mibps = (name: string) => sizeMiB / best(name);
const label = {
  ours: `fetchModel (${CONNECTIONS} conn, ${CHUNK_MIB} MiB chunks, ${PARALLEL_FILES} file(s) at a time, sha256)`,
  aria2c: 'aria2c -x8 -s8 -Z (no hash)',
  curlSeq: 'curl -o, one file after another',
  ceiling: 'one curl of all the bytes to /dev/null',
  disk: 'dd of the same size to the destination, fdatasync (no network)',
};
console.log(
  `${FILES} files x ${FILE_MIB} MiB = ${sizeMiB} MiB from nginx on 127.0.0.1 to ${destRoot}, best of ${ROUNDS} rounds`,
);
for (const [name, text] of Object.entries(label))
  console.log(
    `${text.padEnd(72)} ${(times[name] ?? []).map((s) => s.toFixed(2)).join(', ')} s  ${mibps(name).toFixed(0)} MiB/s`,
  );
const ratio = (name: string) => (mibps('ours') / mibps(name)).toFixed(2);
console.log(
  `RESULT provision vs_aria2c=${ratio('aria2c')} vs_ceiling=${ratio('ceiling')} ours_mibps=${mibps('ours').toFixed(0)} aria2c_mibps=${mibps('aria2c').toFixed(0)} curl_seq_mibps=${mibps('curlSeq').toFixed(0)} ceiling_mibps=${mibps('ceiling').toFixed(0)} vs_disk=${ratio('disk')} disk_mibps=${mibps('disk').toFixed(0)} size_mib=${sizeMiB}`,
);
