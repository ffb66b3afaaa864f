import { access } from 'node:fs/promises';
import { listPackages, overlayPins } from './packages.js';
import { type PythonSettings, pythonPaths } from './settings.js';

/**
 * What the workspace's overlay venv holds beyond its base, as sorted `name==version` pins (added packages
 * and other versions of the base's; pip and setuptools left out): what a snapshot records as the profile's
 * `python.packages`, so a launch of it installs exactly those. Empty when there is no overlay.
 * @throws Error when an interpreter cannot be run or listed.
 */
export async function overlayPackagePins(
  workspace: string,
  settings: PythonSettings,
  signal?: AbortSignal,
): Promise<string[]> {
  const paths = pythonPaths(workspace);
  const present = await access(paths.python).then(
    () => true,
    () => false,
  );
  if (!present) return [];
  const [own, base] = await Promise.all([
    listPackages(paths.python, 'own', signal),
    listPackages(settings.baseInterpreter, 'all', signal),
  ]);
  return overlayPins(own, base);
}
