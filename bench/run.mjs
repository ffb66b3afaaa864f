#!/usr/bin/env node
// `npm run bench -- <name> [--quick]`: runs bench/<name>.bench.ts; each ends with one `RESULT <name> key=value ...` line.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''));
const [name, ...rest] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- <name> [--quick]\nbenchmarks: ${names.join(', ')}`);
  process.exit(name ? 2 : 0);
}
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
if (!existsSync(tsx)) {
  console.error('bench: tsx is missing; run npm ci first');
  process.exit(2);
}
const res = spawnSync(tsx, [`${dir}${name}.bench.ts`, ...rest], { stdio: 'inherit' });
process.exit(res.status ?? 1);
