#!/usr/bin/env node
// The `podpilot` command. A file that exists before the build, so `npm ci` links it (npm skips a bin whose
// file is missing, and apps/cli/dist is only made by the build): it runs the built CLI — its one-file bundle
// (scripts/bundle-cli.mjs; starts in half the time), else tsc's output — or says how to build it.
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node ≥ 22.1 keeps the compiled bundle on disk between runs (a no-op on Node 20, which has no such cache).
module.enableCompileCache?.();

const bundle = new URL('../dist/podpilot.mjs', import.meta.url);
const main = new URL('../dist/main.js', import.meta.url);
const built = [bundle, main].find((file) => existsSync(file));
if (!built) {
  process.stderr.write(
    'podpilot: the CLI is not built yet; run `npm run build` (or `npm start`) in the PodPilot folder\n',
  );
  process.exit(2);
}
await import(built.href);
