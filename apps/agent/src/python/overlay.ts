import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunResult, runProcess } from './run.js';
import type { PythonPaths } from './settings.js';

/** Which base interpreter an overlay was made over; another base means a new overlay. */
const BASE_FILE = 'podpilot-base.txt';

const lastLines = (result: RunResult) =>
  (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ');

async function run(command: string, args: string[], signal?: AbortSignal): Promise<RunResult> {
  return runProcess(command, args, signal ? { signal } : {}).catch((error: Error) => {
    throw new Error(`python: cannot run ${command} (set PODPILOT_PYTHON to a python3): ${error.message}`);
  });
}

/**
 * `pip` and `pip3` in the overlay's bin: the base's pip run by the overlay's interpreter installs into the
 * overlay, so a `pip install` in the UI's terminal lands on the kept disk too.
 */
async function writePipShims(paths: PythonPaths): Promise<void> {
  for (const name of ['pip', 'pip3']) {
    const file = join(paths.bin, name);
    await writeFile(file, `#!/bin/sh\nexec "${paths.python}" -m pip "$@"\n`);
    await chmod(file, 0o755);
  }
}

/**
 * Makes the overlay venv (`python -m venv --system-site-packages` over `base`) unless it is there already,
 * made over the same base. It uses the base's pip (no copy of pip to install: instant); only a base without
 * pip gets its own through ensurepip. Idempotent; a half-made overlay (no base file yet) is made again.
 * @returns true when it was (re)created.
 * @throws Error naming the interpreter and the tool's own words when the venv cannot be made or has no pip.
 */
export async function ensureOverlay(
  base: string,
  paths: PythonPaths,
  signal?: AbortSignal,
): Promise<boolean> {
  const recorded = await readFile(join(paths.venv, BASE_FILE), 'utf8').catch(() => null);
  const present = await readFile(paths.python).then(
    () => true,
    () => false,
  );
  if (recorded?.trim() === base && present) return false;
  await rm(paths.venv, { recursive: true, force: true });
  await mkdir(paths.venv, { recursive: true });
  const made = await run(base, ['-m', 'venv', '--system-site-packages', '--without-pip', paths.venv], signal);
  if (made.code !== 0)
    throw new Error(
      `python: ${base} -m venv --system-site-packages ${paths.venv} failed: ${lastLines(made)}`,
    );
  if ((await run(paths.python, ['-m', 'pip', '--version'], signal)).code === 0) await writePipShims(paths);
  else {
    const pip = await run(paths.python, ['-m', 'ensurepip', '--default-pip'], signal);
    if (pip.code !== 0)
      throw new Error(`python: ${base} has no pip and ensurepip failed in ${paths.venv}: ${lastLines(pip)}`);
  }
  await writeFile(join(paths.venv, BASE_FILE), `${base}\n`);
  return true;
}
