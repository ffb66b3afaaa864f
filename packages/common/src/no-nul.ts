import { type TextKind, textProblem } from './text/unicode-text.js';

/** Where a value sits in a parsed JSON document: keys and array indexes from the root. */
export type TextPath = (string | number)[];

/** A string (or object key) of a document that may not be stored, and why (an `expected …` message). */
export interface TextIssue {
  path: TextPath;
  message: string;
}

/** At most this many issues are collected: enough to name the problem without walking a huge document. */
const MAX_ISSUES = 20;

/**
 * Every string and object key of a parsed JSON value (strings, arrays, plain objects) that breaks the rules of
 * its kind (`textProblem`): `kindAt(path)` says whether the string at `path` is a name or free text; object keys
 * are always names. Used for profiles (`profileTextIssues`); the hub checks API input the same way.
 */
export function textIssues(
  value: unknown,
  kindAt: (path: TextPath) => TextKind,
  path: TextPath = [],
  found: TextIssue[] = [],
): TextIssue[] {
  if (found.length >= MAX_ISSUES) return found;
  if (typeof value === 'string') {
    const message = textProblem(value, kindAt(path));
    if (message) found.push({ path, message });
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) textIssues(item, kindAt, [...path, i], found);
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const message = textProblem(key, 'name');
      if (message) found.push({ path: [...path, key], message });
      textIssues(item, kindAt, [...path, key], found);
    }
  }
  return found;
}

/**
 * What a profile holds as free text: its description, inline file contents, environment values and arguments.
 * Everything else (the profile's, extensions' and models' names, env keys, file and output paths, refs, URLs) is
 * a name or a path: no controls, no bidi or zero-width characters.
 */
export function profileTextKind(path: TextPath): TextKind {
  const [top, second, third] = path;
  if (path.length === 1 && top === 'description') return 'free';
  if (path.length === 2 && (top === 'env' || top === 'args')) return 'free';
  if (path.length === 3 && top === 'files' && typeof second === 'number' && third === 'content')
    return 'free';
  return 'name';
}

/** The text problems of a (parsed) profile document, each with its path inside the profile. */
export const profileTextIssues = (profile: unknown): TextIssue[] => textIssues(profile, profileTextKind);

/** Only parsed JSON is walked: buffers, streams and class instances are no text fields. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
