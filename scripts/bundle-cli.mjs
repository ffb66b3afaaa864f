#!/usr/bin/env node
// Bundles the CLI into apps/cli/dist/bundle/: one self-contained file per command module (ps.mjs for
// `podpilot ps`, …) holding just what its commands use, and all.mjs with every command (help, typos, bare
// `--version`). `podpilot` (bin/podpilot.js) picks the file by the command it is given, so Node compiles
// ~150 KB for `ps` rather than everything (bench/first-hour.bench.ts measures it). The hub's server and the
// agent stay out (the `hub` and `agent` commands load them from node_modules when they run). Skipped when the
// bundles are newer than every input (`--force` bundles anyway); `npm run build` runs it after tsc, whose
// apps/cli/dist/command-table.js says which module adds which command.
import { rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { nodeBundle, root, upToDate, workspaceSources } from './node-bundle.mjs';

export const OUTDIR = join(root, 'apps/cli/dist/bundle');
const CLI = join(root, 'apps/cli/src');

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

/** The source of an entry that runs the program with `modules`' commands, imported statically. */
const entrySource = (modules) =>
  [
    `import { runPodpilot } from ${JSON.stringify(join(CLI, 'program.ts'))};`,
    ...modules.map(
      (m, i) =>
        `import { ${m.register} as r${i} } from ${JSON.stringify(join(CLI, 'commands', `${m.module}.ts`))};`,
    ),
    `await runPodpilot([${modules.map((_, i) => `r${i}`).join(', ')}]);`,
  ].join('\n');

/** Serves `podpilot-entry:<name>` as the entry source of that module, or of all of them for `all`. */
const entries = (table) => ({
  name: 'podpilot-entries',
  setup(b) {
    b.onResolve({ filter: /^podpilot-entry:/ }, (args) => ({ path: args.path, namespace: 'podpilot-entry' }));
    b.onLoad({ filter: /.*/, namespace: 'podpilot-entry' }, (args) => {
      const name = args.path.slice('podpilot-entry:'.length);
      const modules = name === 'all' ? table : table.filter((m) => m.module === name);
      return { contents: entrySource(modules), loader: 'ts', resolveDir: CLI };
    });
  },
});

const MARK = join(OUTDIR, 'all.mjs');
if (!process.argv.includes('--force') && upToDate(MARK, INPUTS)) {
  console.log(`cli: up to date (${relative(root, OUTDIR)})`);
} else {
  const table = join(root, 'apps/cli/dist/command-table.js');
  const { COMMAND_MODULES } = await import(pathToFileURL(table).href).catch((error) => {
    throw new Error(`${relative(root, table)} is missing: run tsc (npm run build) first (${error.message})`);
  });
  await rm(OUTDIR, { recursive: true, force: true }); // no file of an earlier build left behind
  const {
    outfile: _one,
    entryPoints: _main,
    ...options
  } = nodeBundle('apps/cli/src/main.ts', MARK, [
    workspaceSources(SOURCES, ['@podpilot/hub', '@podpilot/agent']),
    entries(COMMAND_MODULES),
  ]);
  const names = [...COMMAND_MODULES.map((m) => m.module), 'all'];
  await build({
    ...options,
    entryPoints: names.map((name) => ({ in: `podpilot-entry:${name}`, out: name })),
    outdir: OUTDIR,
    outExtension: { '.js': '.mjs' },
    // No source maps: 18 of them weigh 20 MB; a readable stack comes from tsc's output (node apps/cli/dist/main.js).
    minify: true,
  });
  const sizes = await Promise.all(names.map(async (n) => (await stat(join(OUTDIR, `${n}.mjs`))).size));
  const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(
    `cli: ${relative(root, OUTDIR)}: ${names.length - 1} command bundles (${kib(Math.min(...sizes))}–${kib(Math.max(...sizes.slice(0, -1)))}) and all.mjs (${kib(sizes.at(-1))})`,
  );
}
