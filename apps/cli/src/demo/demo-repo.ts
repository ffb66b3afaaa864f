import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/** The demo UI's compiled files, copied into its repository as they are (they import only each other). */
export const DEMO_FILES = [
  'demo-webui.js',
  'demo-queue.js',
  'demo-graph.js',
  'demo-image.js',
  'demo-page.js',
];

/** What the profile's `ui.command` runs, from the repository's root. */
export const DEMO_COMMAND = ['node', 'demo-webui.js'];

const PACKAGE_JSON = `${JSON.stringify({ name: 'podpilot-demo-ui', private: true, type: 'module' }, null, 2)}\n`;
const README = `# PodPilot demo UI

A stand-in for ComfyUI written for plain Node: no Python, GPU, model or network. \`podpilot demo\` made this
repository and keeps it in step with the CLI; it runs as a profile of kind comfyui with
\`ui.command: [node, demo-webui.js]\`. Run it by hand with \`node demo-webui.js --listen 127.0.0.1 --port 8188\`.
`;

const run = promisify(execFile);

/** git with no system or global config (no hooks, signing or templates of the user's), fixed identity and dates. */
function git(dir: string, args: string[]): Promise<string> {
  const when = '2026-01-01T00:00:00Z';
  return run(
    'git',
    [
      '-c',
      'user.name=PodPilot',
      '-c',
      'user.email=demo@podpilot.invalid',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_AUTHOR_DATE: when,
        GIT_COMMITTER_DATE: when,
      },
    },
  ).then(({ stdout }) => stdout.trim());
}

/** Where the compiled demo files are: next to this module in tsc's output, at ../demo/ from the CLI's bundles. */
function compiledDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return existsSync(join(here, DEMO_FILES[0] as string)) ? here : join(here, '../demo');
}

/** The compiled file without its source-map comment (the map is not copied). */
async function compiled(sourceDir: string, name: string): Promise<string> {
  const text = await readFile(join(sourceDir, name), 'utf8').catch(() => {
    throw new Error(`${name} is missing from ${sourceDir} (build the CLI: npm run build)`);
  });
  return text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
}

/**
 * Makes (or brings up to date) the demo UI's git repository in `dir` from the compiled files in `sourceDir`
 * (default: tsc's output of this folder), committing only when a file changed, so the same CLI
 * always yields the same commit. Returns its `file://` URL and commit. Idempotent. Throws when git is missing
 * or `sourceDir` lacks a file (the CLI is not built).
 */
export async function writeDemoRepo(
  dir: string,
  sourceDir: string = compiledDir(),
): Promise<{ url: string; commit: string }> {
  const files: [string, string][] = [];
  for (const name of DEMO_FILES) files.push([name, await compiled(sourceDir, name)]);
  await mkdir(dir, { recursive: true });
  if (!existsSync(join(dir, '.git'))) await git(dir, ['init', '-q', '-b', 'main']);
  files.push(['package.json', PACKAGE_JSON], ['README.md', README]);
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  await git(dir, ['add', '-A']);
  if (await git(dir, ['status', '--porcelain'])) await git(dir, ['commit', '-q', '-m', 'PodPilot demo UI']);
  return { url: pathToFileURL(dir).href, commit: await git(dir, ['rev-parse', 'HEAD']) };
}
