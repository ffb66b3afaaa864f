import { isAbsolute, join, normalize, sep } from 'node:path';

/** Suffixes of files some program is still writing (renamed into place when done), editor backups. */
const TEMP_NAME = /(?:\.(?:tmp|temp|part|partial|crdownload|download|swp)|~)$/i;

/**
 * Names the engine never syncs: dot-files and dot-folders (editor and tool state, our own journal) and the
 * temporary files writers rename into place when done.
 */
export function isIgnoredName(name: string): boolean {
  return name.charCodeAt(0) === 46 /* . */ || TEMP_NAME.test(name);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const BAD_NAME = /[\u0000-\u001f\u007f-\u009f\\]/;
const MAX_PATH = 1024;

/**
 * Why `name` cannot be one segment of an OutputPath (the hub's rule: no control characters, no `\`), or
 * null when it can. `.`/`..`/empty never come out of readdir.
 */
export function badNameReason(name: string): string | null {
  if (BAD_NAME.test(name)) return 'its name contains a control character or a backslash';
  return null;
}

/** Joins a relative output path and a name, or says why the result cannot be sent to the hub. */
export function childPath(parentRel: string, name: string): { rel: string } | { error: string } {
  const reason = badNameReason(name);
  const rel = parentRel ? `${parentRel}/${name}` : name;
  if (reason) return { error: reason };
  if (rel.length > MAX_PATH) return { error: `its path is longer than ${MAX_PATH} characters` };
  return { rel };
}

/** A watched folder: its absolute path and its OutputPath prefix (`''` for the root itself). */
export interface Folder {
  abs: string;
  rel: string;
}

/**
 * Resolves the profile's output folders (`['output/']`) against the UI dir. Throws for a folder outside the
 * root; drops folders nested in another listed one (each file is then seen once).
 */
export function resolveFolders(root: string, folders: string[]): Folder[] {
  const resolved: Folder[] = [];
  for (const folder of folders) {
    if (isAbsolute(folder)) throw new Error(`outputs: "${folder}" must be relative to the UI folder`);
    const rel = normalize(folder)
      .split(sep)
      .filter((s) => s !== '' && s !== '.')
      .join('/');
    if (rel === '..' || rel.startsWith('../'))
      throw new Error(`outputs: "${folder}" must stay inside the UI folder`);
    resolved.push({ abs: rel ? join(root, ...rel.split('/')) : root, rel });
  }
  const inside = (a: string, b: string) => b === '' || a === b || a.startsWith(`${b}/`);
  return resolved
    .filter((f, i) => !resolved.some((g, j) => j !== i && inside(f.rel, g.rel) && (f.rel !== g.rel || j < i)))
    .sort((a, b) => a.rel.localeCompare(b.rel));
}

/** A path for messages: quoted so control characters show. */
export const shown = (rel: string): string => JSON.stringify(rel);
