import { createHash } from 'node:crypto';
import { relative, resolve, sep } from 'node:path';
import { type InstanceSummary, type OutputSummary, outputSegmentProblem } from '@podpilot/common';

export { versionedPath } from '@podpilot/common';

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const UNSAFE_NAME = /[/\\\u0000-\u001f\u007f]/;

/** A name usable as one folder name on any platform's file system. */
const isSafeFolderName = (name: string) =>
  name !== '' &&
  name !== '.' &&
  name !== '..' &&
  name.length <= 200 &&
  !UNSAFE_NAME.test(name) &&
  !/[<>:"|?*]/.test(name) &&
  !/[. ]$/.test(name);

/**
 * The folder of each instance's outputs: its name when that is a safe folder name no other instance
 * shares (ignoring case, for case-insensitive file systems), else its id, so two instances never mix.
 */
export function instanceFolders(instances: InstanceSummary[]): (output: OutputSummary) => string {
  const count = new Map<string, number>();
  for (const i of instances) count.set(i.name.toLowerCase(), (count.get(i.name.toLowerCase()) ?? 0) + 1);
  return (output) =>
    isSafeFolderName(output.instanceName) && count.get(output.instanceName.toLowerCase()) === 1
      ? output.instanceName
      : output.instanceId;
}

/**
 * A segment as written to the user's disk: itself, or `~<12 hex of its sha256>` plus its extension when it
 * must not be written under its own name (a `.git` folder, bidi or invisible characters, over 255 bytes).
 */
function localSegment(segment: string, last: boolean): string {
  if (outputSegmentProblem(segment) === null) return segment;
  const hash = createHash('sha256').update(segment, 'utf8').digest('hex').slice(0, 12);
  const ext = last ? (/\.[A-Za-z0-9]{1,10}$/.exec(segment)?.[0] ?? '') : '';
  return `~${hash}${ext}`;
}

/**
 * Where an output goes: `<dir>/<folder>/<path>`, segments that must not be written under their own name
 * escaped (`localSegment`). Throws when a segment is empty, `.`, `..`, absolute or has a backslash, or when
 * the resolved path is not inside `dir` (the hub checks paths too; this does not trust it).
 */
export function targetPath(dir: string, folder: string, path: string): string {
  const root = resolve(dir);
  const parts = path.split('/');
  const segments = [folder, ...parts.map((s, i) => localSegment(s, i === parts.length - 1))];
  if (
    path.startsWith('/') ||
    segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))
  )
    throw new Error(`refusing the path "${path}": it must stay inside ${root}`);
  const target = resolve(root, ...segments);
  if (!target.startsWith(root.endsWith(sep) ? root : root + sep) || relative(root, target).startsWith('..'))
    throw new Error(`refusing the path "${path}": it resolves outside ${root}`);
  return target;
}
