#!/usr/bin/env node
// Builds the web app unless its build is newer than every input (make's rule): a second `npm start` on an
// unchanged tree skips the few seconds of a Vite build. `--force` builds anyway.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** What the web build reads: its own sources and configs, the shared schemas, the lock file. */
const INPUTS = [
  'apps/web/src',
  'apps/web/index.html',
  'apps/web/public',
  'apps/web/vite.config.ts',
  'apps/web/precompress.ts',
  'apps/web/package.json',
  'packages/common/src',
  'package-lock.json',
];
const OUTPUT = join(root, 'apps/web/dist/index.html');

/** The newest modification time under `path` (a file or a folder, recursively); 0 when it does not exist. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted file changes its folder
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const inputs = Math.max(...INPUTS.map((p) => newest(join(root, p))));
if (!process.argv.includes('--force') && existsSync(OUTPUT) && statSync(OUTPUT).mtimeMs > inputs) {
  console.log('web app: up to date (apps/web/dist)');
  process.exit(0);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const build = spawnSync(npm, ['run', 'build', '-w', '@podpilot/web'], { cwd: root, stdio: 'inherit' });
process.exit(build.status ?? 1);
