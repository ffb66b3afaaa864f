#!/usr/bin/env node
// The `podpilot` command. A file that exists before the build, so `npm ci` links it (npm skips a bin whose
// file is missing, and apps/cli/dist is only made by the build): it runs the built CLI — the bundle of the
// command it is given (scripts/bundle-cli.mjs; a command then loads only what it uses), else tsc's output —
// or says how to build it.
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node ≥ 22.1 keeps the compiled bundle on disk between runs (a no-op on Node 20, which has no such cache).
module.enableCompileCache?.();

const dist = new URL('../dist/', import.meta.url);
if (!existsSync(new URL('command-table.js', dist))) {
  process.stderr.write(
    'podpilot: the CLI is not built yet; run `npm run build` (or `npm start`) in the PodPilot folder\n',
  );
  process.exit(2);
}
const { commandModulesFor } = await import(new URL('command-table.js', dist).href);
const modules = commandModulesFor(process.argv.slice(2));
const bundle = new URL(`bundle/${modules.length === 1 ? modules[0].module : 'all'}.mjs`, dist);
await import((existsSync(bundle) ? bundle : new URL('main.js', dist)).href);
