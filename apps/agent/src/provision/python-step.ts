import { cutToCodeUnits } from '@podpilot/common';
import type { PythonOutcome } from '../python/install-item.js';
import { installPythonDeps } from '../python/python-deps.js';
import { pythonSettings } from '../python/settings.js';
import type { ProvisionCheckoutsResult } from './checkouts.js';
import { launchesPython } from './launch.js';
import type { ProvisionOptions } from './provision.js';

/** Tells the terminal, the progress and the hub how one item's Python packages went (failures at warn level). */
async function reportOutcome(
  { hub, say, progress }: Pick<ProvisionOptions, 'hub' | 'say' | 'progress'>,
  outcome: PythonOutcome,
): Promise<void> {
  const what =
    outcome.kind === 'packages' ? "the profile's python.packages" : `${outcome.kind} ${outcome.name}`;
  if (outcome.status === 'failed') {
    say(`${what}: Python packages failed: ${outcome.detail}`, 'warn');
    if (outcome.kind !== 'packages')
      progress.set(outcome.kind, outcome.name, {
        status: 'failed',
        error: `Python packages: ${outcome.detail}`,
      });
    await hub.event({
      level: 'warn',
      kind: 'python.failed',
      message: cutToCodeUnits(`${what}: installing its Python packages failed: ${outcome.detail}`, 4000),
      data: { ...outcome },
    });
  } else if (outcome.status === 'installed') {
    say(`${what}: Python packages installed`);
    await hub.event({
      level: 'info',
      kind: 'python.installed',
      message: `${what}: Python packages installed`,
      data: { ...outcome },
    });
  } else if (outcome.status === 'unchanged') {
    say(`${what}: Python packages unchanged${outcome.detail ? ` (${outcome.detail})` : ''}`);
  }
}

/**
 * The Python packages of the UI and each checked-out extension, into the workspace's overlay venv; each
 * outcome is reported as it is known. A failed item is an outcome (the instance still starts, with the
 * warning). @throws Error when the overlay cannot be made at all (no usable base interpreter).
 */
export async function installPython(
  options: ProvisionOptions,
  checkouts: ProvisionCheckoutsResult,
): Promise<PythonOutcome[]> {
  const spec = options.profile.spec;
  // A UI that does not run on Python (the demo's `ui.command: [node, ...]`) with nothing else to install
  // needs no venv, so no Python on the machine either.
  if (!launchesPython(spec) && spec.extensions.length === 0 && !spec.python?.packages?.length) {
    options.say('Python: not needed (the UI is not started with python and there are no extensions)');
    return [];
  }
  return installPythonDeps({
    profile: options.profile.spec,
    workspace: options.workspace,
    settings: options.python ?? pythonSettings(),
    checkouts: checkouts.items.map((item) => ({
      kind: item.kind,
      name: item.name,
      dir: item.dir,
      commit: item.commit ?? '',
    })),
    signal: options.signal,
    onOutcome: (outcome) => reportOutcome(options, outcome),
  });
}
