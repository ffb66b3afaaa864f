#!/usr/bin/env node
// `npm run build` (and the first half of `npm start`): TypeScript, the web app, the CLI's bundle — each only
// when its inputs changed (make's rule), so a start on an unchanged tree goes straight to the hub. Runs the
// steps in this process rather than through npm, which costs a quarter second a call.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { newest, root } from './node-bundle.mjs';

const PROJECTS = ['packages/common', 'apps/hub', 'apps/agent', 'apps/cli'];
/** What `tsc -b` reads: each project's sources and config, the shared configs, the installed types. */
const TS_INPUTS = [
  ...PROJECTS.flatMap((p) => [`${p}/src`, `${p}/tsconfig.json`, `${p}/package.json`]),
  'tsconfig.json',
  'tsconfig.base.json',
  'package-lock.json',
];

/** Whether every project's build info is newer than every input: `tsc -b` would do nothing (and take 0.6 s). */
function typescriptUpToDate() {
  const infos = PROJECTS.map((p) => join(root, p, 'dist/.tsbuildinfo'));
  if (!infos.every((file) => existsSync(file))) return false;
  const oldest = Math.min(...infos.map((file) => statSync(file).mtimeMs));
  return oldest > Math.max(...TS_INPUTS.map((p) => newest(join(root, p))));
}

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (process.argv.includes('--force') || !typescriptUpToDate()) {
  run([join(root, 'node_modules/typescript/bin/tsc'), '-b']);
  // tsc leaves a project's build info alone when only files outside its build changed (tests): mark them
  // checked now, or every later start would run tsc again for nothing.
  const now = new Date();
  for (const p of PROJECTS) utimesSync(join(root, p, 'dist/.tsbuildinfo'), now, now);
}
run([join(root, 'scripts/build-web.mjs'), ...process.argv.slice(2)]);
run([join(root, 'scripts/bundle-cli.mjs'), ...process.argv.slice(2)]);
