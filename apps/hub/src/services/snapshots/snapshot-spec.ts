import type { ProfileChange } from '@podpilot/common';
import { cutToCodeUnits } from '@podpilot/common';

// Pure helpers of the snapshot: remotes as a profile holds them, model names from file names, change lines.

const short = (value: string) => value.slice(0, 12);

const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A git remote as a profile may hold it: credentials (a token in an https URL) are dropped. */
export function cleanRemote(remote: string): string {
  if (!remote.startsWith('https://') || !URL.canParse(remote)) return remote;
  const url = new URL(remote);
  if (!url.username && !url.password) return remote;
  url.username = '';
  url.password = '';
  return url.toString();
}

/** For comparing remotes: `https://github.com/a/b.git/` and `https://github.com/a/b` are the same. */
export const sameRemote = (a: string | undefined, b: string | undefined) =>
  a !== undefined &&
  b !== undefined &&
  a.replace(/\/+$/, '').replace(/\.git$/, '') === b.replace(/\/+$/, '').replace(/\.git$/, '');

export const lastSegment = (path: string) => path.replace(/\/+$/, '').split('/').pop() ?? '';

/** A model name from a file name: the name without its extension, in the characters a model name allows. */
export function modelNameOf(file: string, taken: Set<string>): string {
  const stem = file.includes('.') ? file.slice(0, file.lastIndexOf('.')) : file;
  let base = stem.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  if (!base) base = 'model';
  base = cutToCodeUnits(base, 90);
  let name = base;
  for (let n = 2; taken.has(name) || !MODEL_NAME_PATTERN.test(name); n++) name = `${base}-${n}`;
  taken.add(name);
  return name;
}

/** One human-readable line per change between the launched profile and the snapshot. */
export function describeChange(change: ProfileChange): string {
  const to = (change.to ?? {}) as Record<string, unknown>;
  const from = (change.from ?? {}) as Record<string, unknown>;
  switch (change.section) {
    case 'extensions': {
      if (change.change === 'added')
        return `extension ${change.key} added at ${short(String(to.ref))} (${String(to.url)})`;
      if (change.change === 'removed') return `extension ${change.key} removed`;
      const parts: string[] = [];
      if (typeof to.ref === 'string' && typeof from.ref === 'string')
        parts.push(`moved ${short(from.ref)}→${short(to.ref)}`);
      if (typeof to.url === 'string') parts.push(`now from ${to.url}`);
      if (parts.length === 0) parts.push(change.summary);
      return `extension ${change.key} ${parts.join(', ')}`;
    }
    case 'models':
      if (change.change === 'added') return `model ${String(to.file ?? change.key)} added`;
      if (change.change === 'removed') return `model ${String(from.file ?? change.key)} removed`;
      return `model ${change.key} changed: ${change.summary}`;
    case 'files':
      return `file ${change.key} ${change.change}`;
    case 'ui':
      return `ui ${change.summary}`;
    case 'python':
      return change.key === 'packages'
        ? describePackages(change.from, change.to)
        : `python ${change.key}: ${change.summary}`;
    default:
      return `${change.section}: ${change.summary}`;
  }
}

const pinsByName = (pins: unknown) =>
  new Map(
    (Array.isArray(pins) ? pins : []).map((pin) => {
      const [name = '', version = ''] = String(pin).split('==');
      return [name.toLowerCase().replace(/[-_.]+/g, '-'), { pin: String(pin), version }];
    }),
  );

/** `Python packages: a==1 added, b 1.0→2.0, c==3 removed` between two lists of `name==version` pins. */
function describePackages(from: unknown, to: unknown): string {
  const before = pinsByName(from);
  const after = pinsByName(to);
  const parts: string[] = [];
  for (const [name, now] of after) {
    const was = before.get(name);
    if (!was) parts.push(`${now.pin} added`);
    else if (was.version !== now.version) parts.push(`${name} ${was.version}→${now.version}`);
  }
  for (const [name, was] of before) if (!after.has(name)) parts.push(`${was.pin} removed`);
  return `Python packages: ${parts.length > 0 ? parts.join(', ') : 'the same versions, written otherwise'}`;
}
