import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import * as z from 'zod';
import type { Profile, ProfileFile, ProfileModel } from './profile.schema.js';
import { profileToYaml } from './profile-yaml.js';

/** Sections in canonical YAML order; changes are listed in this order. */
export const ProfileSection = z.enum([
  'description',
  'ui',
  'extensions',
  'models',
  'files',
  'env',
  'args',
  'outputs',
  'idle',
  'python',
]);
export type ProfileSection = z.infer<typeof ProfileSection>;

/**
 * One difference between two profiles. `key` names the entry within its section (extension folder,
 * model name, file path, env key, output path, or the field for ui/idle/description/args). For a
 * `changed` entry, `from`/`to` hold only the fields that differ. File contents are never included:
 * they are summarised by their size in UTF-8 bytes. `summary` is one human-readable line.
 */
export const ProfileChange = z.object({
  section: ProfileSection,
  change: z.enum(['added', 'removed', 'changed']),
  key: z.string(),
  from: z.unknown().optional(),
  to: z.unknown().optional(),
  summary: z.string(),
});
export type ProfileChange = z.infer<typeof ProfileChange>;

const bytes = (text: string) => new TextEncoder().encode(text).length;
// Commits and sha256s are unreadable in full; 12 hex digits identify them in practice.
const show = (value: unknown) =>
  typeof value === 'string' && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(value)
    ? value.slice(0, 12)
    : JSON.stringify(value);

/** Fields of two records whose values differ, in `from`'s key order. */
function changedFields(from: Record<string, unknown>, to: Record<string, unknown>) {
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])];
  const differing = keys.filter((key) => JSON.stringify(from[key]) !== JSON.stringify(to[key]));
  return {
    from: Object.fromEntries(differing.map((key) => [key, from[key]])),
    to: Object.fromEntries(differing.map((key) => [key, to[key]])),
    summary: differing.map((key) => `${key} ${show(from[key])} → ${show(to[key])}`).join('; '),
  };
}

/** Compares two keyed lists: removed/changed in `from` order, then added in `to` order. */
function keyed<T>(
  section: ProfileSection,
  from: readonly T[],
  to: readonly T[],
  keyOf: (item: T) => string,
  view: (item: T) => Record<string, unknown>,
  describe: (view: Record<string, unknown>) => string,
): ProfileChange[] {
  const changes: ProfileChange[] = [];
  const after = new Map(to.map((item) => [keyOf(item), item]));
  const before = new Set(from.map(keyOf));
  for (const item of from) {
    const key = keyOf(item);
    const next = after.get(key);
    if (next === undefined) {
      changes.push({
        section,
        change: 'removed',
        key,
        from: view(item),
        summary: `removed ${describe(view(item))}`,
      });
      continue;
    }
    const diff = changedFields(view(item), view(next));
    if (diff.summary !== '') changes.push({ section, change: 'changed', key, ...diff });
  }
  for (const item of to) {
    const key = keyOf(item);
    if (!before.has(key)) {
      changes.push({
        section,
        change: 'added',
        key,
        to: view(item),
        summary: `added ${describe(view(item))}`,
      });
    }
  }
  return changes;
}

const modelView = ({ kind, sha256, source, file }: ProfileModel) => ({ kind, sha256, source, file });

// Contents are compared in full but shown by size only, so diffs of big settings files stay short.
const fileView = (file: ProfileFile) =>
  file.content !== undefined ? { content: { bytes: bytes(file.content) } } : { storage: file.storage };
const fileText = (file: ProfileFile) =>
  file.content !== undefined ? `content (${bytes(file.content)} bytes)` : `storage ${file.storage}`;

function fileChanges(from: readonly ProfileFile[], to: readonly ProfileFile[]): ProfileChange[] {
  const changes: ProfileChange[] = [];
  const after = new Map(to.map((file) => [file.path, file]));
  const before = new Set(from.map((file) => file.path));
  for (const a of from) {
    const b = after.get(a.path);
    const key = a.path;
    if (b === undefined) {
      changes.push({
        section: 'files',
        change: 'removed',
        key,
        from: fileView(a),
        summary: `removed (${fileText(a)})`,
      });
    } else if (a.content !== b.content || a.storage !== b.storage) {
      const summary =
        a.content !== undefined && b.content !== undefined
          ? `content changed (${bytes(a.content)} → ${bytes(b.content)} bytes)`
          : `${fileText(a)} → ${fileText(b)}`;
      changes.push({ section: 'files', change: 'changed', key, from: fileView(a), to: fileView(b), summary });
    }
  }
  for (const b of to) {
    if (!before.has(b.path)) {
      changes.push({
        section: 'files',
        change: 'added',
        key: b.path,
        to: fileView(b),
        summary: `added (${fileText(b)})`,
      });
    }
  }
  return changes;
}

function scalarChange(section: ProfileSection, key: string, from: unknown, to: unknown): ProfileChange[] {
  if (JSON.stringify(from) === JSON.stringify(to)) return [];
  if (from === undefined)
    return [{ section, change: 'added', key, to, summary: `${key} set to ${show(to)}` }];
  if (to === undefined)
    return [{ section, change: 'removed', key, from, summary: `${key} removed (was ${show(from)})` }];
  return [{ section, change: 'changed', key, from, to, summary: `${key} ${show(from)} → ${show(to)}` }];
}

function envChanges(from: Record<string, string>, to: Record<string, string>): ProfileChange[] {
  const keys = [...Object.keys(from), ...Object.keys(to).filter((key) => !Object.hasOwn(from, key))];
  return keys.flatMap((key) => scalarChange('env', key, from[key], to[key]));
}

function outputChanges(from: readonly string[], to: readonly string[]): ProfileChange[] {
  return [
    ...from
      .filter((path) => !to.includes(path))
      .map(
        (path): ProfileChange => ({
          section: 'outputs',
          change: 'removed',
          key: path,
          from: path,
          summary: `stopped watching ${path}`,
        }),
      ),
    ...to
      .filter((path) => !from.includes(path))
      .map(
        (path): ProfileChange => ({
          section: 'outputs',
          change: 'added',
          key: path,
          to: path,
          summary: `watching ${path}`,
        }),
      ),
  ];
}

/**
 * What changed from one profile to another, section by section; an empty list when they are equal.
 * Extensions are matched by folder name, models by name, files by path, env by key.
 */
export function diffProfiles(from: Profile, to: Profile): ProfileChange[] {
  return [
    ...scalarChange('description', 'description', from.description, to.description),
    ...(['kind', 'ref', 'repo'] as const).flatMap((key) => scalarChange('ui', key, from.ui[key], to.ui[key])),
    ...scalarChange('ui', 'command', from.ui.command?.join(' '), to.ui.command?.join(' ')),
    ...keyed(
      'extensions',
      from.extensions,
      to.extensions,
      (e) => e.name,
      ({ url, ref }) => ({ url, ref }),
      (view) => `(${view.url} at ${show(view.ref)})`,
    ),
    ...keyed(
      'models',
      from.models,
      to.models,
      (m) => m.name,
      modelView,
      (view) => `(${view.kind}, sha256 ${show(view.sha256)})`,
    ),
    ...fileChanges(from.files, to.files),
    ...envChanges(from.env, to.env),
    ...scalarChange('args', 'args', from.args, to.args),
    ...outputChanges(from.outputs, to.outputs),
    ...(['minutes', 'action'] as const).flatMap((key) =>
      scalarChange('idle', key, from.idle[key], to.idle[key]),
    ),
    ...(['extraIndexUrls', 'findLinks', 'packages'] as const).flatMap((key) =>
      scalarChange('python', key, from.python?.[key], to.python?.[key]),
    ),
  ];
}

/**
 * A unified diff (3 lines of context) of the two profiles' canonical YAML, with `---`/`+++` headers
 * named by `labels`; an empty string when the YAML is identical.
 */
export function unifiedProfileDiff(from: Profile, to: Profile, labels: { from: string; to: string }): string {
  const a = profileToYaml(from);
  const b = profileToYaml(to);
  if (a === b) return '';
  return createTwoFilesPatch(labels.from, labels.to, a, b, undefined, undefined, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
}
