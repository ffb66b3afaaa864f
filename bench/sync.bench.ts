// Output sync (apps/agent/src/sync) against `rclone copy` (and `aws s3 sync` where installed), in one run, to
// the same S3 server (s3rver on loopback in a process of its own, bench/support/s3rver-process.ts) from the
// same folder:
//
// 1. initial: N files of 50 KiB–5 MiB (mostly images' sizes, some videos'; ~2 GB full) in 10 subfolders of
//    output/, each tool to its own fresh prefix. Ours is the agent's engine in a fresh process
//    (bench/support/sync-ours.ts) registered with a real hub (in this process, PGlite + S3 storage): hash,
//    presign, PUT, confirm, journal; timed from start() until syncNow() resolved with an empty backlog. The
//    hub's work is part of ours (its CPU is shown apart), as it is on a real instance.
// 2. no-change rescan: small files are added until the tree holds R files and every tool syncs them
//    (untimed); then each is run again with nothing to do: ours a fresh process that loads its journal,
//    scans and finds nothing to send; rclone / aws compare the tree with their complete prefix.
//
// rclone runs with `--transfers 8 --checkers 8` (its defaults are 4 and 8; ours sends 8 files at a time)
// and otherwise its defaults: it lists the remote and compares size and modification time, which on S3
// is a HEAD per object (the mtime lives in the object's metadata). aws s3 sync runs with its defaults (10
// requests at a time; size and LastModified from the listing).
// RESULT sync initial_vs_rclone=<our time / rclone's> rescan_speedup_vs_rclone=<rclone's time / ours> ...
import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { S3RVER_CREDENTIALS as S3RVER_KEYS } from '../apps/hub/src/storage/test-support/s3rver.js';
import { startSyncBenchHub } from './support/sync-hub.js';
import type { SyncOursJob } from './support/sync-ours.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OURS = fileURLToPath(new URL('./support/sync-ours.ts', import.meta.url));
const S3RVER = fileURLToPath(new URL('./support/s3rver-process.ts', import.meta.url));
const quick = process.argv.includes('--quick');
const FILES = quick ? 500 : 5000;
const RESCAN_FILES = quick ? 1000 : 10_000;
const ROUNDS = quick ? 2 : 1;
const RESCAN_ROUNDS = 2;
const FOLDERS = 10;
const KiB = 1024;
const MiB = 1024 * KiB;
const BUCKET = 'podpilot';

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}
if (!has('rclone')) {
  console.error(
    'sync: rclone is missing (apt-get install rclone); it is the peer this benchmark compares with',
  );
  process.exit(2);
}
// The hub's S3 client (in this process) would print a notice about Node 20 on stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const awsWorks = has('aws') && spawnSync('aws', ['--version']).status === 0;
const timeBin = spawnSync('/usr/bin/time', ['-f', '%U', 'true']).status === 0 ? '/usr/bin/time' : null;

/** Deterministic sizes: 88 % log-uniform 50–500 KiB (images), 12 % log-uniform 0.5–5 MiB (videos). */
function sizes(count: number, seed: number, small: boolean): number[] {
  let state = seed >>> 0;
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const logUniform = (lo: number, hi: number) => Math.round(lo * (hi / lo) ** random());
  return Array.from({ length: count }, () => {
    if (small) return logUniform(1 * KiB, 16 * KiB);
    return random() < 0.88 ? logUniform(50 * KiB, 500 * KiB) : logUniform(500 * KiB, 5 * MiB);
  });
}

/** Writes `count` files of random bytes under `<output>/<prefix>NN/`; returns their total size. */
async function generate(output: string, prefix: string, count: number, seed: number, small: boolean) {
  const list = sizes(count, seed, small);
  for (let f = 0; f < FOLDERS; f++) await mkdir(join(output, `${prefix}${String(f).padStart(2, '0')}`));
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < count; i = next++) {
      const folder = `${prefix}${String(i % FOLDERS).padStart(2, '0')}`;
      const bytes = await promisify(randomBytes)(list[i] as number);
      await writeFile(join(output, folder, `${prefix}-${String(i).padStart(5, '0')}.bin`), bytes);
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return list.reduce((a, b) => a + b, 0);
}

interface Timed {
  seconds: number;
  cpuSeconds: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the command; wall time, and CPU time (user + system) when /usr/bin/time is there. Asynchronous on
 * purpose: s3rver and the hub run in this process and must keep answering while the command runs.
 */
async function timed(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<Timed> {
  const cpuFile = join(dir, `cpu-${process.hrtime.bigint()}`);
  const [bin, argv] = timeBin ? [timeBin, ['-f', '%U %S', '-o', cpuFile, command, ...args]] : [command, args];
  const started = performance.now();
  try {
    const { stdout, stderr } = await promisify(execFile)(bin, argv, {
      env: { ...process.env, ...env },
      maxBuffer: 64 * MiB,
      timeout: 3_600_000,
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = timeBin ? (await readFile(cpuFile, 'utf8')).trim().split(/\s+/).map(Number) : null;
    return { seconds, cpuSeconds: cpu ? (cpu[0] ?? 0) + (cpu[1] ?? 0) : null, stdout, stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${e.stdout}\n${e.stderr}`);
  }
}

let s3rverPid: number | undefined;
/** bench/support/s3rver-process.ts: s3rver in its own process; `stop` ends it (it deletes its objects). */
async function startS3rverProcess(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', S3RVER, BUCKET], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { endpoint: string }).endpoint);
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  s3rverPid = child.pid;
  return { endpoint, stop };
}

const dir = await mkdtemp(join(tmpdir(), 'podpilot-bench-sync-'));
const root = join(dir, 'ui');
const output = join(root, 'output');
const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | null = null;
/** Stops the hub and s3rver and deletes the files; a second call (signal, then the failure) waits for the first. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) await fn().catch((error) => console.error('sync: cleanup:', error));
    await rm(dir, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));

interface OursResult {
  seconds: number;
  cpuSeconds: number;
  status: { backlogFiles: number; syncedFiles: number; syncedBytes: number; lastError: string | null };
  rescanMs: number;
  scannedFiles: number;
  hubCalls: Record<string, { calls: number; files: number; seconds: number }>;
  errors: string[];
}

interface Row {
  what: string;
  tool: string;
  seconds: number[];
  /** The tool's own CPU seconds (null without /usr/bin/time). */
  cpu: (number | null)[];
  /** CPU seconds of the s3rver process meanwhile (null without /proc). */
  s3Cpu: (number | null)[];
  /** CPU seconds of this process meanwhile: the hub and its PGlite (busy for ours only). */
  hubCpu: number[];
}
const rows: Row[] = [];
const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
/** User + system CPU seconds of process `pid` so far (Linux), else null. */
function cpuOf(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}
interface SideCpu {
  s3: number | null;
  hub: number;
}
/** CPU seconds the s3rver process and this one (the hub) spend while `run` runs. */
async function sideCpu<T>(run: () => Promise<T>): Promise<[T, SideCpu]> {
  const hubBefore = process.cpuUsage();
  const s3Before = cpuOf(s3rverPid);
  const result = await run();
  const hub = process.cpuUsage(hubBefore);
  const s3After = cpuOf(s3rverPid);
  return [
    result,
    {
      s3: s3Before === null || s3After === null ? null : s3After - s3Before,
      hub: (hub.user + hub.system) / 1e6,
    },
  ];
}
function record(what: string, tool: string, seconds: number, cpu: number | null, side: SideCpu) {
  let row = rows.find((r) => r.what === what && r.tool === tool);
  if (!row) {
    row = { what, tool, seconds: [], cpu: [], s3Cpu: [], hubCpu: [] };
    rows.push(row);
  }
  row.seconds.push(seconds);
  row.cpu.push(cpu);
  row.s3Cpu.push(side.s3);
  row.hubCpu.push(side.hub);
}
const best = (what: string, tool: string) =>
  Math.min(...(rows.find((r) => r.what === what && r.tool === tool)?.seconds ?? [Number.NaN]));

let totalBytes = 0;
let rescanBytes = 0;
let oursRescanCallMs = Number.NaN;
let oursHubCalls = '';
try {
  const genStarted = performance.now();
  await mkdir(output, { recursive: true });
  totalBytes = await generate(output, 'd', FILES, 5, false);
  console.log(
    `generated ${FILES} files, ${(totalBytes / MiB).toFixed(0)} MiB in ${((performance.now() - genStarted) / 1000).toFixed(1)} s`,
  );

  const s3 = await startS3rverProcess();
  cleanups.push(s3.stop);
  const hub = await startSyncBenchHub({
    endpoint: s3.endpoint,
    bucket: BUCKET,
    ...S3RVER_KEYS,
    forcePathStyle: true,
  });
  cleanups.push(() => hub.close());

  const rcloneEnv = {
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
    RCLONE_CONFIG_BENCH_ENDPOINT: s3.endpoint,
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: S3RVER_KEYS.accessKeyId,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: S3RVER_KEYS.secretAccessKey,
    RCLONE_CONFIG: join(dir, 'rclone.conf'), // none: the remote comes from the variables above
    AWS_CA_BUNDLE: undefined,
  };
  const rclone = (prefix: string, verbose = false) =>
    timed(
      'rclone',
      [
        'copy',
        output,
        `bench:${BUCKET}/${prefix}`,
        '--transfers',
        '8',
        '--checkers',
        '8',
        ...(verbose ? ['-v'] : []),
      ],
      rcloneEnv,
    );
  const aws = (prefix: string) =>
    timed(
      'aws',
      ['--endpoint-url', s3.endpoint, 's3', 'sync', output, `s3://${BUCKET}/${prefix}`, '--no-progress'],
      {
        AWS_ACCESS_KEY_ID: S3RVER_KEYS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_KEYS.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CA_BUNDLE: undefined,
        AWS_CONFIG_FILE: join(dir, 'aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
      },
    );
  /** Objects and bytes under the prefix, as rclone lists them (a check, not timed). */
  const stored = async (prefix: string) => {
    const { stdout } = await timed('rclone', ['size', '--json', `bench:${BUCKET}/${prefix}`], rcloneEnv);
    const { count, bytes } = JSON.parse(stdout) as { count: number; bytes: number };
    return { files: count, bytes };
  };
  const expectStored = async (
    tool: string,
    got: { files: number; bytes: number },
    files: number,
    bytes: number,
  ) => {
    if (got.files !== files || got.bytes !== bytes)
      throw new Error(
        `${tool}: ${got.files} files / ${got.bytes} bytes stored, expected ${files} / ${bytes}`,
      );
  };

  interface Agent {
    id: string;
    job: SyncOursJob;
  }
  const newAgent = async (n: number): Promise<Agent> => {
    const { id, bootstrap } = await hub.newInstance(`bench-${n}`);
    const state = join(dir, `agent-${n}`);
    await mkdir(state);
    return {
      id,
      job: {
        hubUrl: hub.url,
        bootstrapToken: bootstrap,
        stateFile: join(state, 'agent-state.json'),
        root,
        folders: ['output/'],
        journalPath: join(state, 'outputs.journal'),
        timeoutMs: 1_800_000,
      },
    };
  };
  const ours = async (agent: Agent): Promise<OursResult> => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', OURS, JSON.stringify(agent.job)],
      { cwd: ROOT, maxBuffer: 16 * MiB, timeout: 3_600_000 },
    ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`ours failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as OursResult;
    if (result.status.backlogFiles !== 0 || result.status.lastError)
      throw new Error(`ours: ${JSON.stringify(result)}\n${stderr}`);
    return result;
  };

  // 1. Initial sync; rounds alternate the order so no tool always meets the fullest s3rver.
  let agent: Agent | null = null;
  const tools = ['ours', 'rclone', ...(awsWorks ? ['aws'] : [])];
  for (let round = 0; round < ROUNDS; round++) {
    for (const tool of round % 2 ? [...tools].reverse() : tools) {
      if (tool === 'ours') {
        const fresh = await newAgent(round);
        agent = fresh;
        const [result, side] = await sideCpu(() => ours(fresh));
        if (result.status.syncedFiles !== FILES)
          throw new Error(`ours synced ${result.status.syncedFiles} files, expected ${FILES}`);
        await expectStored('ours (index)', await hub.indexed(fresh.id), FILES, totalBytes);
        await expectStored('ours', await stored(`outputs/${fresh.id}/`), FILES, totalBytes);
        record('initial', 'ours', result.seconds, result.cpuSeconds, side);
        oursHubCalls = Object.entries(result.hubCalls)
          .map(([call, c]) => `${call} ${c.calls}× (${c.files} files) ${c.seconds.toFixed(2)} s`)
          .join(', ');
      } else if (tool === 'rclone') {
        const [run, side] = await sideCpu(() => rclone(`rclone-initial-${round}`));
        await expectStored('rclone', await stored(`rclone-initial-${round}`), FILES, totalBytes);
        record('initial', 'rclone', run.seconds, run.cpuSeconds, side);
      } else {
        const [run, side] = await sideCpu(() => aws(`aws-initial-${round}`));
        await expectStored('aws', await stored(`aws-initial-${round}`), FILES, totalBytes);
        record('initial', 'aws', run.seconds, run.cpuSeconds, side);
      }
      const row = rows.find((r) => r.what === 'initial' && r.tool === tool);
      console.log(`initial round ${round + 1}: ${tool} ${row?.seconds.at(-1)?.toFixed(2)} s`);
    }
  }
  if (!agent) throw new Error('no round ran');
  const lastAgent = agent;

  // 2. Top the tree up to R files and sync them everywhere (untimed), then time the runs with nothing to do.
  const last = ROUNDS - 1;
  rescanBytes = totalBytes + (await generate(output, 'e', RESCAN_FILES - FILES, 7, true));
  const topUp = await ours(lastAgent);
  if (topUp.status.syncedFiles !== RESCAN_FILES - FILES)
    throw new Error(`ours synced ${topUp.status.syncedFiles} new files, expected ${RESCAN_FILES - FILES}`);
  await rclone(`rclone-initial-${last}`);
  await expectStored('rclone', await stored(`rclone-initial-${last}`), RESCAN_FILES, rescanBytes);
  if (awsWorks) {
    await aws(`aws-initial-${last}`);
    await expectStored('aws', await stored(`aws-initial-${last}`), RESCAN_FILES, rescanBytes);
  }
  console.log(`topped up to ${RESCAN_FILES} files (${(rescanBytes / MiB).toFixed(0)} MiB) in every prefix`);

  for (let round = 0; round < RESCAN_ROUNDS; round++) {
    const [result, side] = await sideCpu(() => ours(lastAgent));
    if (result.status.syncedFiles !== 0 || result.scannedFiles !== RESCAN_FILES)
      throw new Error(`ours rescan: ${JSON.stringify(result)}`);
    record('rescan', 'ours', result.seconds, result.cpuSeconds, side);
    oursRescanCallMs = Math.min(
      Number.isNaN(oursRescanCallMs) ? Infinity : oursRescanCallMs,
      result.rescanMs,
    );

    const [r, rSide] = await sideCpu(() => rclone(`rclone-initial-${last}`, true));
    if (/: Copied/.test(r.stderr)) throw new Error(`rclone rescan copied files:\n${r.stderr.slice(0, 2000)}`);
    record('rescan', 'rclone', r.seconds, r.cpuSeconds, rSide);

    if (awsWorks) {
      const [a, aSide] = await sideCpu(() => aws(`aws-initial-${last}`));
      if (/upload:/.test(a.stdout)) throw new Error(`aws rescan uploaded files:\n${a.stdout.slice(0, 2000)}`);
      record('rescan', 'aws', a.seconds, a.cpuSeconds, aSide);
    }
    console.log(
      `rescan round ${round + 1}: ${rows
        .filter((row) => row.what === 'rescan')
        .map((row) => `${row.tool} ${row.seconds.at(-1)?.toFixed(3)} s`)
        .join(', ')}`,
    );
  }
} finally {
  await cleanup();
}

const mib = totalBytes / MiB;
const name: Record<string, string> = {
  ours: 'podpilot OutputSync',
  rclone: 'rclone copy',
  aws: 'aws s3 sync',
};
console.log('');
console.log(
  `initial: ${FILES} files, ${mib.toFixed(0)} MiB (50 KiB–5 MiB), best of ${ROUNDS}; ` +
    `rescan: ${RESCAN_FILES} files, nothing to do, best of ${RESCAN_ROUNDS}`,
);
console.log('rclone: --transfers 8 --checkers 8 (defaults 4 / 8), size+mtime check (HEAD per object)');
console.log(
  "cpu s: the tool's own; s3 / hub cpu s: the s3rver process's and the hub's (PGlite too) meanwhile",
);
console.log(
  `${'run'.padEnd(9)}${'tool'.padEnd(21)}${'best s'.padStart(9)}${'MiB/s'.padStart(8)}${'cpu s'.padStart(8)}` +
    `${'s3 cpu s'.padStart(10)}${'hub cpu s'.padStart(11)}  all s`,
);
for (const row of rows) {
  const b = Math.min(...row.seconds);
  const at = row.seconds.indexOf(b);
  const cpu = row.cpu[at];
  const rate = row.what === 'initial' ? (mib / b).toFixed(0) : '';
  console.log(
    `${row.what.padEnd(9)}${(name[row.tool] ?? row.tool).padEnd(21)}${b.toFixed(3).padStart(9)}${rate.padStart(8)}` +
      `${(cpu === null || cpu === undefined ? '' : cpu.toFixed(2)).padStart(8)}` +
      `${(row.s3Cpu[at]?.toFixed(2) ?? '').padStart(10)}${(row.hubCpu[at] ?? 0).toFixed(2).padStart(11)}` +
      `  ${row.seconds.map((s) => s.toFixed(3)).join(', ')}`,
  );
}
console.log(`ours, initial (last round): hub calls took ${oursHubCalls} (overlapping the uploads)`);
console.log(`ours: one more rescan() call in the warm process: ${oursRescanCallMs.toFixed(1)} ms`);

const initialVsRclone = best('initial', 'ours') / best('initial', 'rclone');
const rescanSpeedup = best('rescan', 'rclone') / best('rescan', 'ours');
const goals = initialVsRclone <= 1 && rescanSpeedup >= 10;
console.log(
  `goals (initial ≤ 1.00× rclone, rescan ≥ 10× faster): ${goals ? 'met' : 'missed'} ` +
    `(initial ${initialVsRclone.toFixed(2)}×, rescan ${rescanSpeedup.toFixed(1)}× faster)`,
);
const awsPart = awsWorks
  ? ` aws_s=${best('initial', 'aws').toFixed(2)} initial_vs_aws=${(best('initial', 'ours') / best('initial', 'aws')).toFixed(2)}` +
    ` aws_rescan_s=${best('rescan', 'aws').toFixed(3)} rescan_speedup_vs_aws=${(best('rescan', 'aws') / best('rescan', 'ours')).toFixed(1)}`
  : '';
console.log(
  `RESULT sync initial_vs_rclone=${initialVsRclone.toFixed(2)} rescan_speedup_vs_rclone=${rescanSpeedup.toFixed(1)}` +
    ` ours_s=${best('initial', 'ours').toFixed(2)} rclone_s=${best('initial', 'rclone').toFixed(2)}` +
    ` files=${FILES} mib=${mib.toFixed(0)} rescan_files=${RESCAN_FILES}` +
    ` ours_rescan_s=${best('rescan', 'ours').toFixed(3)} rclone_rescan_s=${best('rescan', 'rclone').toFixed(3)}` +
    `${awsPart} goals=${goals ? 'met' : 'missed'}`,
);
