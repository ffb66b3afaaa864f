#!/usr/bin/env node
// Builds the web app unless its build is newer than every input (make's rule): a second `npm start` on an
// unchanged tree skips the few seconds of a Vite build. `--force` builds anyway.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root, upToDate } from './node-bundle.mjs';

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

if (!process.argv.includes('--force') && upToDate(OUTPUT, INPUTS)) {
  console.log('web app: up to date (apps/web/dist)');
  process.exit(0);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const build = spawnSync(npm, ['run', 'build', '-w', '@podpilot/web'], { cwd: root, stdio: 'inherit' });
process.exit(build.status ?? 1);
