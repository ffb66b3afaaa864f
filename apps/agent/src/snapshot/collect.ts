import { checkRelativePath, type SnapshotReport, UI_KINDS, type UiKind } from '@podpilot/common';
import type { PythonSettings } from '../python/settings.js';
import { readExtensions, readUi } from './checkouts.js';
import { collectFiles } from './files.js';
import { collectModels } from './models.js';
import { folder, nameList, safeRelative } from './paths.js';
import { collectPythonPackages } from './python-packages.js';
import { findStrayModels } from './stray-models.js';

export interface CollectSnapshotOptions {
  /** The UI's install folder; every reported path is relative to it. */
  uiDir: string;
  uiKind: UiKind;
  /** The agent's model cache (`agentPaths(workspace).cacheDir`); files live at `<cacheDir>/sha256/<hex>`. */
  cacheDir: string;
  /** Paths relative to `uiDir` that the profile lists. */
  profileFiles: string[];
  commandId: string;
  /** Where to remember model hashes between snapshots (unchanged files are not read again); none = hash all. */
  hashMemo?: string;
  /** The base interpreter the overlay venv sits on; default: the agent's (`pythonSettings()`). */
  python?: PythonSettings;
  /** Bytes hashed so far of all model bytes that need hashing, and the file being hashed. */
  onProgress?: (done: number, total: number, path: string) => void;
  signal?: AbortSignal;
}

/**
 * Captures the running environment under `uiDir`: the UI checkout, every extension folder, every model
 * file (its sha256 taken from the cache when it is a hard link of a cache file, else hashed), the
 * profile's files and the kind's settings files, the Python packages the overlay venv adds over its base,
 * with warnings for what cannot be reproduced (a failed package listing is one: no `python` then).
 */
export async function collectSnapshot(options: CollectSnapshotOptions): Promise<SnapshotReport> {
  const { uiDir, uiKind, signal } = options;
  const kind = UI_KINDS[uiKind];
  const warnings: string[] = [];
  const modelDirs = [...new Set(Object.values(kind.modelDirs).map(folder))].sort();
  const extensionsDir = kind.extensionsDir === null ? null : folder(kind.extensionsDir);
  const wanted = wantedFiles([...options.profileFiles, ...kind.settingsFiles], warnings);
  const settingsFolders = kind.settingsFolders.map(folder);

  // Files the report captures itself are not "local changes" of the UI when untracked.
  const uiIgnored = [...modelDirs, ...kind.defaultOutputs.map(folder), ...settingsFolders, '.podpilot'];
  if (extensionsDir !== null) uiIgnored.push(extensionsDir);
  const ui = await readUi(uiDir, uiIgnored, wanted, warnings, signal);
  const extensions =
    extensionsDir === null ? [] : await readExtensions(uiDir, extensionsDir, warnings, signal);
  const models = await collectModels({ ...options, modelDirs, uiHasCommit: ui.commit !== null });

  // Weights elsewhere (an extension's own downloads): named, since the snapshot cannot bring them.
  const checkouts = [ui, ...extensions].filter((c) => c.commit !== null).map((c) => c.path);
  const outside = [...modelDirs, ...kind.defaultOutputs.map(folder), ...kind.selfManagedDirs.map(folder)];
  const stray = await findStrayModels(uiDir, outside, checkouts, signal);
  if (stray.paths.length > 0)
    warnings.push(
      `model files outside the model folders are not captured: ${nameList(stray.paths)} (the UI or an extension that downloaded them may do so again on first use; to keep them, move them into a model folder of ${uiKind}, e.g. ${kind.modelDirs.checkpoint}/)`,
    );
  if (stray.truncated)
    warnings.push('the UI folder has too many files to look through all of them for model files');

  const profileFiles = new Set(options.profileFiles.map(safeRelative).filter((p): p is string => p !== null));
  const files = await collectFiles({ uiDir, wanted, profileFiles, settingsFolders, warnings, signal });
  const packages = await collectPythonPackages(uiDir, warnings, signal, options.python);
  return {
    commandId: options.commandId,
    takenAt: new Date().toISOString(),
    ui,
    extensions,
    models,
    files,
    ...(packages === null ? {} : { python: { packages } }),
    warnings,
  };
}

/** The profile's files and the kind's settings files as safe relative paths (never in `.git`), once each. */
function wantedFiles(paths: string[], warnings: string[]): string[] {
  const wanted: string[] = [];
  for (const raw of paths) {
    const rel = safeRelative(raw);
    const problem = rel === null ? null : checkRelativePath(rel);
    if (rel === null)
      warnings.push(`file ${JSON.stringify(raw)} is not a path inside the UI folder: skipped`);
    else if (problem !== null) warnings.push(`file ${JSON.stringify(raw)} skipped: ${problem}`);
    else if (!wanted.includes(rel)) wanted.push(rel);
  }
  return wanted;
}
