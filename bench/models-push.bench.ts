// `podpilot models push` against `rclone copyto` (and `aws s3 cp` where installed): the same file, the same
// S3 server (s3rver on loopback), in one run. Ours includes hashing the file (sha256, the content address);
// rclone's includes its MD5 pass. Below 200 MiB both send one PUT (the hub plans one; rclone's upload_cutoff).
// RESULT models-push vs_rclone=<our time / rclone's> ... goal=1.00 met=…
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import S3rver from 's3rver';
import { startHub } from '../e2e/support/hub-process.js';

// The command users run (`podpilot`, the bundled CLI).
const CLI = fileURLToPath(new URL('../apps/cli/bin/podpilot.js', import.meta.url));
const quick = process.argv.includes('--quick');
const sizeMiB = quick ? 128 : 1024;
const rounds = quick ? 1 : 2;
const KEYS = { id: 'S3RVER', secret: 'S3RVER' }; // s3rver accepts only its own access key, any signature

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}
if (!has('rclone')) {
  console.error(
    'models-push: rclone is missing (apt-get install rclone); it is the peer this benchmark compares with',
  );
  process.exit(2);
}

const dir = await mkdtemp(join(tmpdir(), 'podpilot-bench-push-'));
const file = join(dir, 'model.safetensors');
await new Promise<void>((resolve, reject) => {
  const out = createWriteStream(file);
  out.on('error', reject);
  let left = sizeMiB;
  const more = () => {
    while (left > 0) {
      left--;
      if (!out.write(randomBytes(1 << 20))) return void out.once('drain', more);
    }
    out.end(resolve);
  };
  more();
});

const s3 = new S3rver({
  port: 0,
  address: '127.0.0.1',
  silent: true,
  directory: join(dir, 's3'),
  configureBuckets: [{ name: 'podpilot', configs: [] }],
});
const address = (await s3.run()) as AddressInfo;
const endpoint = `http://127.0.0.1:${address.port}`;
const hub = await startHub({
  env: {
    PODPILOT_STORAGE: 's3',
    PODPILOT_S3_ENDPOINT: endpoint,
    PODPILOT_S3_BUCKET: 'podpilot',
    PODPILOT_S3_ACCESS_KEY_ID: KEYS.id,
    PODPILOT_S3_SECRET_ACCESS_KEY: KEYS.secret,
    PODPILOT_S3_FORCE_PATH_STYLE: 'true',
  },
});

async function apiToken(): Promise<string> {
  const setupToken = new URLSearchParams(new URL(hub.setupUrl ?? '').hash.slice(1)).get('token');
  const setup = await fetch(`${hub.url}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: setupToken, password: 'benchmark password' }),
  });
  const cookie = setup.headers.get('set-cookie')?.split(';')[0] ?? '';
  const res = await fetch(`${hub.url}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-podpilot-csrf': '1' },
    body: JSON.stringify({ name: 'bench' }),
  });
  return ((await res.json()) as { token: string }).token;
}
const token = await apiToken();
/**
 * Seconds the command took; throws with its output when it fails. Asynchronous on purpose: s3rver runs in
 * this process and must keep answering while the command runs.
 */
async function timed(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<number> {
  const started = performance.now();
  try {
    await promisify(execFile)(command, args, { env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${e.stdout}\n${e.stderr}`);
  }
  return (performance.now() - started) / 1000;
}

const ours = async (): Promise<number> => {
  const seconds = await timed(
    process.execPath,
    [CLI, 'models', 'push', file, '--kind', 'checkpoint', '--json'],
    {
      PODPILOT_URL: hub.url,
      PODPILOT_TOKEN: token,
      PODPILOT_CONFIG_DIR: join(dir, 'config'),
    },
  );
  return seconds;
};
const forgetOurs = async () => {
  const { models } = (await (
    await fetch(`${hub.url}/api/models`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as {
    models: { sha256: string }[];
  };
  for (const m of models)
    await fetch(`${hub.url}/api/models/${m.sha256}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
};
const rclone = (n: number): Promise<number> =>
  timed('env', ['-u', 'AWS_CA_BUNDLE', 'rclone', 'copyto', file, `loc:podpilot/bench/rclone-${n}.bin`], {
    RCLONE_CONFIG_LOC_TYPE: 's3',
    RCLONE_CONFIG_LOC_PROVIDER: 'Other',
    RCLONE_CONFIG_LOC_ENDPOINT: endpoint,
    RCLONE_CONFIG_LOC_FORCE_PATH_STYLE: 'true',
    RCLONE_CONFIG_LOC_ACCESS_KEY_ID: KEYS.id,
    RCLONE_CONFIG_LOC_SECRET_ACCESS_KEY: KEYS.secret,
  });
const awsWorks = has('aws') && spawnSync('aws', ['--version']).status === 0;
const aws = (n: number): Promise<number> =>
  timed(
    'aws',
    ['--endpoint-url', endpoint, 's3', 'cp', file, `s3://podpilot/bench/aws-${n}.bin`, '--only-show-errors'],
    {
      AWS_ACCESS_KEY_ID: KEYS.id,
      AWS_SECRET_ACCESS_KEY: KEYS.secret,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CA_BUNDLE: undefined,
    },
  );

const times = { ours: [] as number[], rclone: [] as number[], aws: [] as number[] };
try {
  for (let n = 0; n < rounds; n++) {
    times.ours.push(await ours());
    await forgetOurs();
    times.rclone.push(await rclone(n));
    if (awsWorks) times.aws.push(await aws(n));
  }
} catch (error) {
  console.error(hub.output().split('\n').slice(-15).join('\n'));
  throw error;
} finally {
  await hub.stop();
  await s3.close();
  await rm(dir, { recursive: true, force: true });
}

const best = (xs: number[]) => Math.min(...xs);
const mibps = (s: number) => (sizeMiB / s).toFixed(0);
console.log(`file: ${sizeMiB} MiB, rounds: ${rounds} (best of each)`);
console.log(
  `podpilot models push: ${times.ours.map((s) => s.toFixed(2)).join(', ')} s (${mibps(best(times.ours))} MiB/s)`,
);
console.log(
  `rclone copyto:        ${times.rclone.map((s) => s.toFixed(2)).join(', ')} s (${mibps(best(times.rclone))} MiB/s)`,
);
if (times.aws.length)
  console.log(
    `aws s3 cp:            ${times.aws.map((s) => s.toFixed(2)).join(', ')} s (${mibps(best(times.aws))} MiB/s)`,
  );
const awsPart = times.aws.length
  ? ` aws_s=${best(times.aws).toFixed(2)} vs_aws=${(best(times.ours) / best(times.aws)).toFixed(2)}`
  : '';
const vsRclone = best(times.ours) / best(times.rclone);
console.log(`goal (at or under rclone's time): ${vsRclone <= 1 ? 'met' : 'missed'}`);
console.log(
  `RESULT models-push vs_rclone=${vsRclone.toFixed(2)} ours_s=${best(times.ours).toFixed(2)} rclone_s=${best(times.rclone).toFixed(2)}${awsPart} size_mib=${sizeMiB} goal=1.00 met=${vsRclone <= 1}`,
);
