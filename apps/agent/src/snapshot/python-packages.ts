import { dirname } from 'node:path';
import { overlayPackagePins } from '../python/overlay-pins.js';
import { type PythonSettings, pythonSettings } from '../python/settings.js';

/**
 * The Python packages installed on this instance beyond the base environment (`name==version`, sorted), for
 * the snapshot's `python.packages`. The UI folder sits right in the workspace (`<workspace>/<installDir>`),
 * whose overlay venv holds them; no overlay means none. Never throws: a listing that fails is a warning and
 * null (unknown, so the hub keeps the launched profile's pins rather than dropping them).
 */
export async function collectPythonPackages(
  uiDir: string,
  warnings: string[],
  signal?: AbortSignal,
  settings: PythonSettings = pythonSettings(),
): Promise<string[] | null> {
  try {
    return await overlayPackagePins(dirname(uiDir), settings, signal);
  } catch (error) {
    signal?.throwIfAborted();
    warnings.push(
      `Python packages are not captured: ${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  }
}
