/**
 * The one place that knows which characters make text unsafe to store or misleading to show.
 * Text from agents is repaired (`repairAgentText`); text people type is refused (`textProblem`) — see
 * docs/security.md "Hostile text".
 */

/** Bidi embeddings/overrides/isolates and the Arabic letter mark: they make text display as something else. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/** Zero-width and invisible formatting characters: two names that look the same can differ by one of these. */
const INVISIBLE = /[\u180e\u200b-\u200d\u2060-\u2064\ufeff]/u;

// Without the `u` flag a regex sees UTF-16 units, so it can match half of a pair.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** What a field holds, which decides what is allowed in it. */
export type TextKind =
  /** A name or a path: no controls at all, no bidi or invisible characters. */
  | 'name'
  /** Free text (a description, a note, file content): `\t`, `\n`, `\r` allowed, bidi and invisible too. */
  | 'free';

function hex(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Index of the first lone (unpaired) UTF-16 surrogate, or -1. PostgreSQL refuses them in text. */
export function loneSurrogateIndex(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

function isControl(code: number, kind: TextKind): boolean {
  if (kind === 'free' && (code === 0x09 || code === 0x0a || code === 0x0d)) return false;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/**
 * Why `text` may not be stored as a field of this kind, as an `expected …` message naming the character and
 * its position (1-based, in code points), or `null` when it is fine.
 */
export function textProblem(text: string, kind: TextKind): string | null {
  const lone = loneSurrogateIndex(text);
  if (lone >= 0) {
    const at = [...text.slice(0, lone)].length + 1;
    return `expected valid Unicode text, got a lone surrogate ${hex(text.charCodeAt(lone))} at position ${at}`;
  }
  let position = 0;
  for (const char of text) {
    position++;
    const code = char.codePointAt(0) ?? 0;
    if (code === 0) return `expected text without NUL characters (U+0000), got one at position ${position}`;
    if (isControl(code, kind))
      return `expected no control characters, got ${hex(code)} at position ${position}`;
    if (kind === 'name' && BIDI.test(char)) {
      return `expected no bidirectional control characters, got ${hex(code)} at position ${position}`;
    }
    if (kind === 'name' && INVISIBLE.test(char)) {
      return `expected no zero-width or invisible characters, got ${hex(code)} at position ${position}`;
    }
  }
  return null;
}

/** True when a name or path segment holds a bidi control or an invisible character (outputs escape these). */
export function hasDeceptiveCharacters(text: string): boolean {
  return BIDI.test(text) || INVISIBLE.test(text);
}

/**
 * Makes text from an agent storable without losing it: lone surrogates become U+FFFD, NUL is removed.
 * Everything else (tabs, ANSI escapes of a log line) stays as sent.
 */
export function repairAgentText(text: string): string {
  // Fast path: almost every line is already fine.
  if (!text.includes('\u0000') && loneSurrogateIndex(text) < 0) return text;
  return text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\ufffd');
}

/**
 * `text` shortened to at most `maxUnits` UTF-16 code units without splitting a surrogate pair (a cut that would
 * leave half of an astral character drops the whole character instead).
 */
export function cutToCodeUnits(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  const last = text.charCodeAt(maxUnits - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? maxUnits - 1 : maxUnits;
  return text.slice(0, Math.max(0, end));
}

/** Longest file name most file systems take, in bytes (ext4, APFS; NTFS counts UTF-16 units). */
const MAX_SEGMENT_BYTES = 255;

/**
 * Why one segment of an output's path must not be written under its own name — to storage or to the user's
 * disk — or null when it may: a `.git` folder (a repository's config there runs commands), bidi or invisible
 * characters (the name displays as another), a name longer than 255 bytes (file systems refuse it).
 */
export function outputSegmentProblem(segment: string): string | null {
  if (segment.toLowerCase() === '.git') return 'a ".git" segment';
  if (hasDeceptiveCharacters(segment)) return 'bidirectional or invisible characters';
  if (new TextEncoder().encode(segment).length > MAX_SEGMENT_BYTES)
    return `a name over ${MAX_SEGMENT_BYTES} bytes`;
  return null;
}
