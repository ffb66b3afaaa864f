import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Profile, UI_KINDS } from '@podpilot/common';
import { runGit } from '../provision/git.js';
import { webuiEnv } from '../supervisor/webui-env.js';
import { constraintsText } from './constraints.js';
import { type InstallContext, installTarget, type PythonOutcome, type PythonTarget } from './install-item.js';
import { InstallMarkers } from './markers.js';
import { ensureOverlay } from './overlay.js';
import { listPackages } from './packages.js';
import { type PythonPaths, type PythonSettings, pythonPaths } from './settings.js';

/** A checked-out item, as provisioning's checkouts report it. */
export interface CheckedOut {
  kind: 'ui' | 'extension';
  name: string;
  dir: string;
  commit: string;
}

export interface PythonDepsOptions {
  profile: Profile;
  workspace: string;
  settings: PythonSettings;
  /** The UI first, then the extensions; each at the commit it is checked out at. */
  checkouts: CheckedOut[];
  /** Each outcome as it is known (for events and the terminal). */
  onOutcome?: (outcome: PythonOutcome) => void | Promise<void>;
  /** pip's output, line by line (for the agent's log). */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  /** The agent's environment (default `process.env`): pip inherits it minus PodPilot's secrets. */
  env?: NodeJS.ProcessEnv;
}

/** The commit the image's own copy of the UI is at (its requirements are installed), or null when none. */
async function seedCommit(settings: PythonSettings, installDir: string): Promise<string | null> {
  const dir = join(settings.seedDir, installDir);
  // Through the agent's one git runner: no system/global config, nothing config-driven runs.
  const result = await runGit(['rev-parse', 'HEAD'], { cwd: dir, okCodes: [128] }).catch(() => null);
  return result?.code === 0 ? result.stdout.trim() : null;
}

/** The profile's pip options as arguments. */
export function pipOptions(python: Profile['python']): string[] {
  return [
    ...(python?.extraIndexUrls ?? []).flatMap((url) => ['--extra-index-url', url]),
    ...(python?.findLinks ?? []).flatMap((link) => ['--find-links', link]),
  ];
}

/** The image's constraints (`PIP_CONSTRAINT`, space-separated files), read; null when unset or unreadable. */
async function imageConstraints(env: NodeJS.ProcessEnv): Promise<string | null> {
  const files = (env.PIP_CONSTRAINT ?? '').split(/\s+/).filter(Boolean);
  const texts = await Promise.all(files.map((file) => readFile(file, 'utf8').catch(() => '')));
  return texts.join('\n').trim() || null;
}

/** The overlay (made when missing), its constraints file, and what every pip run shares. */
async function prepare(
  options: PythonDepsOptions,
  paths: PythonPaths,
  uiDir: string,
): Promise<InstallContext> {
  const env = options.env ?? process.env;
  await ensureOverlay(options.settings.baseInterpreter, paths, options.signal);
  const base = await listPackages(options.settings.baseInterpreter, 'all', options.signal);
  const constraints = constraintsText(base, await imageConstraints(env));
  await mkdir(paths.pipCache, { recursive: true });
  await writeFile(paths.constraints, constraints);
  return {
    python: paths.python,
    env: webuiEnv(overlayEnv(paths, constraints ? paths.constraints : undefined), env),
    pipOptions: pipOptions(options.profile.python),
    constraints,
    markers: new InstallMarkers(paths.markers),
    uiDir,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onLine ? { onLine: options.onLine } : {}),
  };
}

/** What makes a process use the overlay: its bin first on PATH, `VIRTUAL_ENV`, pip's cache and constraints. */
export function overlayEnv(
  paths: PythonPaths,
  constraintsFile?: string,
  path = process.env.PATH,
): Record<string, string> {
  return {
    VIRTUAL_ENV: paths.venv,
    PATH: [paths.bin, path].filter(Boolean).join(':'),
    PIP_CACHE_DIR: paths.pipCache,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_NO_INPUT: '1',
    ...(constraintsFile ? { PIP_CONSTRAINT: constraintsFile } : {}),
  };
}

/**
 * The profile's `python.packages` pins as a requirements file next to the overlay (its content goes into the
 * marker like any requirements file), or null when the profile pins none.
 */
async function pinsTarget(profile: Profile, paths: PythonPaths): Promise<PythonTarget | null> {
  const pins = profile.python?.packages ?? [];
  if (pins.length === 0) return null;
  await writeFile(paths.pins, `${pins.join('\n')}\n`);
  return {
    kind: 'packages',
    name: 'profile',
    dir: dirname(paths.pins),
    commit: '',
    requirementsFile: basename(paths.pins),
    installScript: null,
  };
}

/** The UI, each extension, then the profile's own pins, as install targets, per the UI kind's conventions. */
async function targets(options: PythonDepsOptions, paths: PythonPaths): Promise<PythonTarget[]> {
  const info = UI_KINDS[options.profile.ui.kind];
  const shipped = await seedCommit(options.settings, info.installDir);
  const pins = await pinsTarget(options.profile, paths);
  const checkouts: PythonTarget[] = options.checkouts.map((item) =>
    item.kind === 'ui'
      ? {
          ...item,
          requirementsFile: info.requirementsFile,
          installScript: null,
          ...(shipped === item.commit ? { preinstalled: 'installed by the image at this commit' } : {}),
        }
      : { ...item, requirementsFile: 'requirements.txt', installScript: info.extensionInstaller },
  );
  return pins ? [...checkouts, pins] : checkouts;
}

/**
 * Installs the Python packages of the UI (when its commit is not the image's), of each extension and the
 * profile's `python.packages` pins (last, so they win) into the instance's overlay venv, one at a time (pip must not run twice on one environment). A target whose
 * inputs are unchanged since its last successful install runs no pip. Failures are outcomes, not errors.
 * @throws Error when the overlay cannot be made (no usable base interpreter); the signal's reason on abort.
 */
export async function installPythonDeps(options: PythonDepsOptions): Promise<PythonOutcome[]> {
  const paths = pythonPaths(options.workspace);
  const ui = options.checkouts.find((item) => item.kind === 'ui');
  const ctx = await prepare(options, paths, ui?.dir ?? options.workspace);
  const outcomes: PythonOutcome[] = [];
  for (const target of await targets(options, paths)) {
    const outcome = await installTarget(target, ctx);
    outcomes.push(outcome);
    await options.onOutcome?.(outcome);
  }
  return outcomes;
}
