import * as z from 'zod';
import type { Profile } from './profile.schema.js';

/**
 * One problem (or warning) in a profile. `path` reads like `extensions[2].ref`, `env.FOO` or `(root)`;
 * `line`/`column` are 1-based positions in the YAML, `null` when the profile did not come from YAML.
 */
export const ProfileIssue = z.object({
  path: z.string(),
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
  message: z.string(),
});
export type ProfileIssue = z.infer<typeof ProfileIssue>;

/** What parsing a profile gives: the complete profile (defaults applied), or every error found. */
export type ProfileParseResult =
  | { ok: true; profile: Profile; warnings: ProfileIssue[] }
  | { ok: false; errors: ProfileIssue[]; warnings: ProfileIssue[] };

/** An issue before it is located: `atKey` points at a mapping key (an unknown key) rather than its value. */
export interface RawIssue {
  segments: (string | number)[];
  atKey: boolean;
  message: string;
}

/** `["extensions", 2, "ref"]` → `extensions[2].ref`; keys that are not identifiers are quoted. */
export function formatIssuePath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(root)' : out;
}

/** `file:line:col: path: message`; parts that are unknown are left out. */
export function formatProfileIssue(issue: ProfileIssue, file?: string): string {
  const position = issue.line === null ? '' : `${issue.line}:${issue.column ?? 1}`;
  const where = [file, position].filter((part) => part !== undefined && part !== '').join(':');
  return `${where === '' ? '' : `${where}: `}${issue.path}: ${issue.message}`;
}

const MAX_SHOWN = 80;

/** A short rendering of a value for `got …`: scalars as JSON, collections by size. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object' && value !== null) {
    const size = Object.keys(value).length;
    return `a mapping of ${size} key${size === 1 ? '' : 's'}`;
  }
  if (typeof value === 'string' && value.length > MAX_SHOWN) {
    return `${JSON.stringify(value.slice(0, MAX_SHOWN - 1)).slice(0, -1)}…" (${value.length} characters)`;
  }
  return JSON.stringify(value) ?? String(value);
}

function valueAt(input: unknown, segments: readonly (string | number)[]): unknown {
  let node = input;
  for (const segment of segments) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function withGot(issue: z.core.$ZodIssue, value: unknown): string {
  const message = issue.message;
  const params = (issue as { params?: { omitGot?: boolean } }).params;
  // A message that already says what it got (or must not echo it) is left alone.
  if (params?.omitGot || /\bgot\b/.test(message)) return message;
  if (value === undefined) return `${message}, but the key is missing`;
  if ((issue.code === 'too_big' || issue.code === 'too_small') && typeof value === 'string') {
    return `${message}, got ${value.length} characters`;
  }
  return `${message}, got ${describeValue(value)}`;
}

/** Turns zod issues on `input` into located-later issues, one per path (the first problem wins). */
export function rawIssuesFromZod(issues: readonly z.core.$ZodIssue[], input: unknown): RawIssue[] {
  const out: RawIssue[] = [];
  for (const issue of issues) {
    const segments = issue.path.map((s) => (typeof s === 'number' ? s : String(s)));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          segments: [...segments, key],
          atKey: true,
          message: `${issue.message}, got ${JSON.stringify(key)}`,
        });
      }
    } else if (issue.code === 'invalid_key') {
      const key = segments.at(-1);
      const message = issue.issues[0]?.message ?? issue.message;
      out.push({ segments, atKey: true, message: `${message}, got ${JSON.stringify(key)}` });
    } else {
      out.push({ segments, atKey: false, message: withGot(issue, valueAt(input, segments)) });
    }
  }
  const seen = new Set<string>();
  return out.filter((issue) => {
    const key = formatIssuePath(issue.segments);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A raw issue with no position: for profiles that did not come from YAML. */
export function unlocated(issue: RawIssue): ProfileIssue {
  return { path: formatIssuePath(issue.segments), line: null, column: null, message: issue.message };
}
