// Bundles `podpilot agent` into one ESM file for the GPU images: `npm run bundle:agent`
// (→ docker/build/podpilot-agent.mjs, plus its .map) or `node scripts/bundle-agent.mjs <out file>`.
// The workspace packages are read from source, so no `npm run build` is needed first.
import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_OUTFILE = resolve(root, 'docker/build/podpilot-agent.mjs');

/** `@podpilot/*` → its TypeScript source (the same aliases as vitest.config.ts and tsconfig.tests.json). */
const SOURCES = {
  '@podpilot/common': 'packages/common/src/index.ts',
  '@podpilot/common/node': 'packages/common/src/node/index.ts',
  '@podpilot/agent': 'apps/agent/src/index.ts',
};

const workspaceSources = {
  name: 'workspace-sources',
  setup(b) {
    b.onResolve({ filter: /^@podpilot\// }, (args) => {
      const source = SOURCES[args.path];
      // The hub, or any other workspace package, has no place in the agent image.
      if (!source) return { errors: [{ text: `${args.path} must not be in the agent bundle` }] };
      return { path: resolve(root, source) };
    });
  },
};

/**
 * Builds the bundle; returns the output file and its size in bytes.
 * @param {string} [outfile]
 */
export async function bundleAgent(outfile = DEFAULT_OUTFILE) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [resolve(root, 'scripts/agent-entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Readable stacks in the logs of a rented GPU matter more than a few hundred kB.
    minify: false,
    sourcemap: 'external',
    // jsonc-parser's `main` is a UMD build whose `require('./impl/…')` esbuild cannot follow: prefer ESM builds.
    mainFields: ['module', 'main'],
    // Some dependencies are CommonJS and call `require` for Node built-ins.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    plugins: [workspaceSources],
    // hujson.ts reads `jsoncModule.default ?? jsoncModule` for the CJS build; the ESM build has no default.
    logOverride: { 'import-is-undefined': 'silent' },
    logLevel: 'warning',
    metafile: true,
  });
  const { size } = await stat(outfile);
  return { outfile, size, inputs: Object.keys(result.metafile.inputs) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outfile = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_OUTFILE;
  const { size } = await bundleAgent(outfile);
  console.log(`${relative(process.cwd(), outfile)}: ${size} bytes (${(size / 1024).toFixed(1)} KiB)`);
}
