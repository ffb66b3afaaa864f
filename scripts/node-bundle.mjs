// What the agent's and the CLI's bundles share: one ESM file for Node 20, the workspace packages read from
// their TypeScript sources, the rest of @podpilot/* either refused or left to load at run time.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * `sources` maps `@podpilot/*` imports to their TypeScript source; any other `@podpilot/*` import is an
 * error, or left external (loaded from node_modules at run time) when listed in `external`.
 */
export function workspaceSources(sources, external = []) {
  return {
    name: 'workspace-sources',
    setup(b) {
      b.onResolve({ filter: /^@podpilot\// }, (args) => {
        const source = sources[args.path];
        // The workspace packages' modules only declare (package.json "sideEffects": false): a bundle keeps
        // just the modules whose exports it uses.
        if (source) return { path: resolve(root, source), sideEffects: false };
        if (external.includes(args.path)) return { path: args.path, external: true };
        return { errors: [{ text: `${args.path} must not be in this bundle` }] };
      });
    },
  };
}

/** esbuild options for a Node bundle of `entry` into `outfile`, with `plugins`. */
export const nodeBundle = (entry, outfile, plugins) => ({
  absWorkingDir: root,
  entryPoints: [resolve(root, entry)],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // jsonc-parser's `main` is a UMD build whose `require('./impl/…')` esbuild cannot follow: prefer ESM builds.
  mainFields: ['module', 'main'],
  // Some dependencies are CommonJS and call `require` for Node built-ins.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  plugins,
  // hujson.ts reads `jsoncModule.default ?? jsoncModule` for the CJS build; the ESM build has no default.
  logOverride: { 'import-is-undefined': 'silent' },
  logLevel: 'warning',
  metafile: true,
});

/** The newest modification time under `path` (a file or a folder, recursively); 0 when it does not exist. */
export function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted file changes its folder
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** Whether `output` exists and is newer than everything in `inputs` (paths relative to the root). */
export const upToDate = (output, inputs) =>
  existsSync(output) && statSync(output).mtimeMs > Math.max(...inputs.map((p) => newest(join(root, p))));
