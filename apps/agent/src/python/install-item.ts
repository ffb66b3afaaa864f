import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type InstallMarkers, markerKey } from './markers.js';
import { pipFailureReason } from './pip-errors.js';
import { runProcess } from './run.js';

/** One checkout whose Python packages go into the overlay. */
export interface PythonTarget {
  /** `packages`: the profile's own `python.packages` pins. */
  kind: PythonTargetKind;
  /** `ui`'s kind (e.g. `comfyui`), the extension's folder name, or `profile` for the profile's pins. */
  name: string;
  /** The checkout folder. */
  dir: string;
  commit: string;
  /** The requirements file to `pip install -r`, relative to `dir`; null: none is read. */
  requirementsFile: string | null;
  /** The install script to run, relative to `dir` (A1111's `install.py`); null: none is run. */
  installScript: string | null;
  /** Why nothing is installed for it even if it has requirements (the image already did). */
  preinstalled?: string;
}

export type PythonTargetKind = 'ui' | 'extension' | 'packages';

/** What happened to one target. */
export interface PythonOutcome {
  kind: PythonTargetKind;
  name: string;
  /** `unchanged`: installed earlier with the same inputs (or by the image); `nothing`: it declares no packages. */
  status: 'installed' | 'unchanged' | 'nothing' | 'failed';
  /** For `failed`: pip's (or the script's) own reason; for `unchanged` by the image: says so. */
  detail?: string;
}

/** What every install shares: the overlay's interpreter, pip's environment and options, the markers. */
export interface InstallContext {
  python: string;
  /** The environment of pip and install scripts (the overlay first on PATH, the cache, the constraints). */
  env: Record<string, string>;
  /** `--extra-index-url …`/`--find-links …` from the profile. */
  pipOptions: string[];
  /** The constraints file's text (part of each marker: new constraints install again). */
  constraints: string;
  markers: InstallMarkers;
  /** The UI folder: A1111's install scripts import its `launch` module from there. */
  uiDir: string;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

const readOrNull = (path: string) => readFile(path, 'utf8').catch(() => null);

/**
 * Installs one target's packages into the overlay: `pip install -r <requirements>` (with the profile's pip
 * options), then its install script. Skips all of it when its marker says the same inputs were installed
 * before. Never throws for a failed install (the outcome says why); throws the signal's reason when aborted.
 */
export async function installTarget(target: PythonTarget, ctx: InstallContext): Promise<PythonOutcome> {
  const { kind, name } = target;
  if (target.preinstalled) return { kind, name, status: 'unchanged', detail: target.preinstalled };
  const requirements = target.requirementsFile
    ? await readOrNull(join(target.dir, target.requirementsFile))
    : null;
  const script = target.installScript ? await readOrNull(join(target.dir, target.installScript)) : null;
  if (requirements === null && script === null) return { kind, name, status: 'nothing' };
  const key = markerKey({
    commit: target.commit,
    requirements,
    installScript: script,
    constraints: ctx.constraints,
    pipOptions: ctx.pipOptions,
  });
  if (await ctx.markers.has(kind, name, key)) return { kind, name, status: 'unchanged' };
  await ctx.markers.clear(kind, name);
  const run = (args: string[], cwd: string, env: Record<string, string>) =>
    runProcess(ctx.python, args, {
      cwd,
      env,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.onLine ? { onLine: ctx.onLine } : {}),
    });
  if (requirements !== null && target.requirementsFile) {
    const args = ['-m', 'pip', 'install', '--no-input', '-r', target.requirementsFile, ...ctx.pipOptions];
    const result = await run(args, target.dir, ctx.env);
    if (result.code !== 0) {
      const reason = pipFailureReason(result.stderr, result.stdout, result.code);
      return { kind, name, status: 'failed', detail: reason };
    }
  }
  if (script !== null && target.installScript) {
    // A1111 runs extension installers with its own folder importable (they call `launch.run_pip`).
    const env = { ...ctx.env, PYTHONPATH: [ctx.uiDir, ctx.env.PYTHONPATH].filter(Boolean).join(':') };
    const result = await run([join(target.dir, target.installScript)], ctx.uiDir, env);
    if (result.code !== 0) {
      const reason = pipFailureReason(result.stderr, result.stdout, result.code);
      return { kind, name, status: 'failed', detail: `${target.installScript}: ${reason}` };
    }
  }
  await ctx.markers.set(kind, name, key);
  return { kind, name, status: 'installed' };
}
