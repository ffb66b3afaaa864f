import { isAbsolute, normalize, sep } from 'node:path';

/** How many paths a warning names before "and N more". */
const WARN_NAMES = 10;

export const byPath = (a: { path: string }, b: { path: string }) =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0;

/** POSIX-style relative path (reports never carry the platform separator). */
export const posix = (path: string) => path.split(sep).join('/');

/** Trailing-slash-free folder path for prefix checks. */
export const folder = (path: string) => posix(path).replace(/\/+$/, '');

export function inside(path: string, dirs: string[]): boolean {
  return dirs.some((dir) => path === dir || path.startsWith(`${dir}/`));
}

/** The first few paths for a warning, then how many more. */
export function nameList(paths: string[]): string {
  const shown = paths.slice(0, WARN_NAMES).join(', ');
  return paths.length > WARN_NAMES ? `${shown} and ${paths.length - WARN_NAMES} more` : shown;
}

/** Hidden files, partial downloads and editors'/tools' temporary files are not models. */
export function skippedName(name: string): boolean {
  return (
    name.startsWith('.') ||
    /\.(part|partial|tmp|temp|crdownload|download|journal|lock)$/i.test(name) ||
    name.endsWith('~')
  );
}

/** A relative path that stays inside the UI folder, normalised to `a/b`; null otherwise. */
export function safeRelative(path: string): string | null {
  if (path === '' || isAbsolute(path) || path.includes('\0')) return null;
  const norm = posix(normalize(path));
  if (norm === '.' || norm === '..' || norm.startsWith('../')) return null;
  return norm.replace(/\/+$/, '');
}
