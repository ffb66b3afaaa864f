import { dirname } from 'node:path';
import { overlayPackagePins } from '../python/overlay-pins.js';
import { pythonSettings } from '../python/settings.js';

/**
 * The Python packages installed on this instance beyond the base environment (`name==version`, sorted), for
 * the snapshot's `python.packages`. The UI folder sits right in the workspace (`<workspace>/<installDir>`),
 * whose overlay venv holds them. Never throws: a listing that fails is a warning, and no pins.
 */
export async function collectPythonPackages(
  uiDir: string,
  warnings: string[],
  signal?: AbortSignal,
): Promise<string[]> {
  try {
    return await overlayPackagePins(dirname(uiDir), pythonSettings(), signal);
  } catch (error) {
    warnings.push(
      `Python packages are not captured: ${error instanceof Error ? error.message : String(error)}`,
    );
    return [];
  }
}
