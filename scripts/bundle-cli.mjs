#!/usr/bin/env node
// Bundles the CLI into one file, apps/cli/dist/podpilot.mjs, which `podpilot` runs: Node then reads one file
// instead of several hundred modules, so a command starts in about half the time. The hub's server and the
// agent stay out (the `hub` and `agent` commands load them from node_modules when they run). Skipped when the
// bundle is newer than every input (`--force` bundles anyway); `npm run build` runs it after tsc.
import { stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { nodeBundle, root, upToDate, workspaceSources } from './node-bundle.mjs';

export const OUTFILE = join(root, 'apps/cli/dist/podpilot.mjs');

const SOURCES = {
  '@podpilot/common': 'packages/common/src/index.ts',
  '@podpilot/common/node': 'packages/common/src/node/index.ts',
  // Only the settings table and their check: the server is the external '@podpilot/hub'.
  '@podpilot/hub/env': 'apps/hub/src/env.ts',
};
const INPUTS = [
  'apps/cli/src',
  'packages/common/src',
  'apps/hub/src',
  'package-lock.json',
  'scripts/node-bundle.mjs',
  'scripts/bundle-cli.mjs',
];

if (!process.argv.includes('--force') && upToDate(OUTFILE, INPUTS)) {
  console.log('cli: up to date (apps/cli/dist/podpilot.mjs)');
} else {
  await build({
    ...nodeBundle('apps/cli/src/main.ts', OUTFILE, [
      workspaceSources(SOURCES, ['@podpilot/hub', '@podpilot/agent']),
    ]),
    minify: true,
    sourcemap: 'linked',
  });
  const { size } = await stat(OUTFILE);
  console.log(`cli: ${relative(root, OUTFILE)} (${(size / 1024).toFixed(0)} KiB)`);
}
