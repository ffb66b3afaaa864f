// Bundles `podpilot agent` into one ESM file for the GPU images: `npm run bundle:agent`
// (→ docker/build/podpilot-agent.mjs, plus its .map) or `node scripts/bundle-agent.mjs <out file>`.
// The workspace packages are read from source, so no `npm run build` is needed first.
import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { nodeBundle, root, workspaceSources } from './node-bundle.mjs';

export const DEFAULT_OUTFILE = resolve(root, 'docker/build/podpilot-agent.mjs');

/** `@podpilot/*` → its TypeScript source (the same aliases as vitest.config.ts and tsconfig.tests.json). */
const SOURCES = {
  '@podpilot/common': 'packages/common/src/index.ts',
  '@podpilot/common/node': 'packages/common/src/node/index.ts',
  '@podpilot/agent': 'apps/agent/src/index.ts',
};

/**
 * Builds the bundle; returns the output file and its size in bytes.
 * @param {string} [outfile]
 */
export async function bundleAgent(outfile = DEFAULT_OUTFILE) {
  const result = await build({
    ...nodeBundle('scripts/agent-entry.ts', outfile, [workspaceSources(SOURCES)]),
    // Readable stacks in the logs of a rented GPU matter more than a few hundred kB.
    minify: false,
    sourcemap: 'external',
  });
  const { size } = await stat(outfile);
  return { outfile, size, inputs: Object.keys(result.metafile.inputs) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outfile = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_OUTFILE;
  const { size } = await bundleAgent(outfile);
  console.log(`${relative(process.cwd(), outfile)}: ${size} bytes (${(size / 1024).toFixed(1)} KiB)`);
}
