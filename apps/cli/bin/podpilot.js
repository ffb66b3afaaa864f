#!/usr/bin/env node
// The `podpilot` command. A file that exists before the build, so `npm ci` links it (npm skips a bin whose
// file is missing, and apps/cli/dist is only made by the build): it runs the built CLI, or says how to build it.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'podpilot: the CLI is not built yet; run `npm run build` (or `npm start`) in the PodPilot folder\n',
  );
  process.exit(2);
}
await import(main.href);
