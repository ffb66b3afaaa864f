import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where the Python of an instance comes from: the base interpreter the overlay sits on, and the image's seed. */
export interface PythonSettings {
  /** The interpreter the overlay venv is made over (`--system-site-packages`): the image's, or the host's. */
  baseInterpreter: string;
  /** Where the image keeps the UI as built (`/opt/podpilot/ui`): its commit's requirements are installed already. */
  seedDir: string;
}

/** The image's venv; the base interpreter whenever it exists. */
export const IMAGE_PYTHON = '/opt/venv/bin/python';

/**
 * The settings from the agent's environment: `PODPILOT_PYTHON` (default: the image's `/opt/venv/bin/python`
 * when it exists, else the host's `python3`) and `PODPILOT_UI_SEED_DIR` (the entrypoint's, default
 * `/opt/podpilot/ui`). Never throws.
 */
export function pythonSettings(
  env: Record<string, string | undefined> = process.env,
  exists: (path: string) => boolean = existsSync,
): PythonSettings {
  const chosen = env.PODPILOT_PYTHON?.trim();
  return {
    baseInterpreter: chosen || (exists(IMAGE_PYTHON) ? IMAGE_PYTHON : 'python3'),
    seedDir: env.PODPILOT_UI_SEED_DIR?.trim() || '/opt/podpilot/ui',
  };
}

/** The overlay's files on the kept disk, one set per workspace (so one per instance). */
export const pythonPaths = (workspace: string) => {
  const root = join(workspace, '.podpilot');
  const venv = join(root, 'venv');
  return {
    venv,
    python: join(venv, 'bin', 'python'),
    bin: join(venv, 'bin'),
    pipCache: join(root, 'pip-cache'),
    /** Inside the venv: a new overlay (another base, or deleted) starts with no markers. */
    markers: join(venv, 'podpilot-markers'),
    constraints: join(root, 'python-constraints.txt'),
    /** The profile's `python.packages`, as a requirements file. */
    pins: join(root, 'python-packages.txt'),
  };
};
export type PythonPaths = ReturnType<typeof pythonPaths>;
