// A snapshot's reading of the instance (`collectSnapshot`): models the cache does not know are hashed, the
// checkouts read with git. The peer is `sha256sum` over the same unknown model files (what hashing them by
// hand costs), run in the same round with the page cache warm for both; then a second snapshot of the
// unchanged folder, which must read no model again (hashes remembered by inode, size and mtime).
// RESULT snapshot vs_sha256sum=<sha256sum's time / ours> first_ms=… sha256sum_ms=… rerun_ms=… models_gib=…
// --quick: 4 x 128 MiB unknown models, else 4 x 1 GiB; 20 extensions and 8 cached models either way;
// best of 2 (3) rounds.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, makeRemote } from '../apps/agent/src/provision/test-support/git-repos.js';
import { collectSnapshot } from '../apps/agent/src/snapshot/collect.js';

const quick = process.argv.includes('--quick');
const UNKNOWN = 4;
const UNKNOWN_MIB = quick ? 128 : 1024;
const CACHED = 8;
const EXTENSIONS = 20;
const ROUNDS = quick ? 2 : 3;
const MIB = 1024 * 1024;

if (spawnSync('sh', ['-c', 'command -v sha256sum']).status !== 0) {
  console.error('snapshot: sha256sum missing (coreutils)');
  process.exit(2);
}

/** Writes `mib` MiB of random bytes (8 MiB at a time, so memory stays flat). */
function randomFile(path: string, mib: number): void {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(8 * MIB);
  for (let done = 0; done < mib; done += 8)
    writeSync(fd, randomFillSync(block), 0, Math.min(8, mib - done) * MIB);
  closeSync(fd);
}

const root = await mkdtemp(join(tmpdir(), 'podpilot-bench-snapshot-'));
try {
  const ui = join(root, 'ComfyUI');
  const uiRemote = makeRemote(root, 'ui');
  uiRemote.commit({ 'main.py': 'print(1)\n' });
  git(root, 'clone', '-q', uiRemote.url, ui);
  mkdirSync(join(ui, 'custom_nodes'), { recursive: true });
  for (let i = 0; i < EXTENSIONS; i++) {
    const ext = makeRemote(root, `nodes-${i}`);
    ext.commit({ '__init__.py': `N = ${i}\n` });
    git(join(ui, 'custom_nodes'), 'clone', '-q', ext.url, `nodes-${i}`);
  }
  const cache = join(root, 'cache');
  mkdirSync(join(cache, 'sha256'), { recursive: true });
  mkdirSync(join(ui, 'models/loras'), { recursive: true });
  mkdirSync(join(ui, 'models/checkpoints'), { recursive: true });
  for (let i = 0; i < CACHED; i++) {
    const hex = i.toString(16).padStart(64, '0'); // the cache's name is trusted: these are never read
    randomFile(join(cache, 'sha256', hex), 64);
    linkSync(join(cache, 'sha256', hex), join(ui, `models/loras/cached-${i}.safetensors`));
  }
  const unknown = Array.from({ length: UNKNOWN }, (_, i) =>
    join(ui, `models/checkpoints/dropped-${i}.safetensors`),
  );
  for (const file of unknown) randomFile(file, UNKNOWN_MIB);
  for (const file of unknown) readFileSync(file).length; // warm the page cache for both tools

  const best = {
    ours: Number.POSITIVE_INFINITY,
    peer: Number.POSITIVE_INFINITY,
    rerun: Number.POSITIVE_INFINITY,
  };
  for (let round = 0; round < ROUNDS; round++) {
    const memo = join(root, `memo-${round}.json`);
    const collect = () =>
      collectSnapshot({
        uiDir: ui,
        uiKind: 'comfyui',
        cacheDir: cache,
        profileFiles: [],
        commandId: '0b5f2c1e-8a1d-4c3e-9f6a-2d7b8e9c0a11',
        hashMemo: memo,
      });
    let started = performance.now();
    const report = await collect();
    const ours = performance.now() - started;
    if (report.models.length !== UNKNOWN + CACHED) throw new Error(`found ${report.models.length} models`);

    started = performance.now();
    const sums = execFileSync('sha256sum', unknown, { encoding: 'utf8', maxBuffer: 16 * MIB });
    const peer = performance.now() - started;
    for (const line of sums.trim().split('\n')) {
      const [hex, file] = line.split(/\s+\*?/);
      const ourHex = report.models.find((m) => file?.endsWith(m.path))?.sha256;
      if (ourHex !== hex) throw new Error(`sha256 of ${file}: ours ${ourHex}, sha256sum ${hex}`);
    }

    started = performance.now();
    await collect();
    const rerun = performance.now() - started;
    console.log(
      `round ${round + 1}: ours ${ours.toFixed(0)} ms, sha256sum ${peer.toFixed(0)} ms, second snapshot ${rerun.toFixed(0)} ms`,
    );
    best.ours = Math.min(best.ours, ours);
    best.peer = Math.min(best.peer, peer);
    best.rerun = Math.min(best.rerun, rerun);
    rmSync(memo, { force: true });
  }
  const gib = (UNKNOWN * UNKNOWN_MIB) / 1024;
  console.log(
    `RESULT snapshot vs_sha256sum=${(best.peer / best.ours).toFixed(2)} first_ms=${best.ours.toFixed(0)} sha256sum_ms=${best.peer.toFixed(0)} rerun_ms=${best.rerun.toFixed(0)} models_gib=${gib}`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
