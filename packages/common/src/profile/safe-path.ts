import { textProblem } from '../text/unicode-text.js';

/** Longest path a profile may name; real UI paths are far shorter. */
export const MAX_RELATIVE_PATH_LENGTH = 1024;

const INSIDE = 'expected a relative path inside the UI folder';

// `/x`, `\x`, `C:`, `C:\x`, `C:x` (drive-relative), `//server/share`, `\\?\x`.
const ABSOLUTE = /^(?:[/\\]|[A-Za-z]:)/;
// `..` as Windows sees it: it strips trailing spaces and dots, so `.. ` and `.. .` mean `..`
// (`...` is a legal, ordinary name and stays allowed).
const PARENT = /^\.\.(?:[. ]*\s[. ]*)?$/;
// `.` (also `. ` and `. .`, which Windows reads as `.`).
const CURRENT = /^\.(?: [. ]*)?$/;

/** The structural rules, on one spelling of the path. */
function structuralProblem(path: string): string | null {
  if (ABSOLUTE.test(path)) return `${INSIDE}, got an absolute path`;
  if (path.startsWith('~')) return `${INSIDE}, got a home-directory path (starts with "~")`;
  const segments = path.replace(/\/$/, '').split(/[/\\]/);
  if (segments.some((s) => PARENT.test(s))) return `${INSIDE}, got a ".." segment that leaves it`;
  if (path.includes('\\')) return "expected forward slashes ('/') as separators, got a backslash";
  if (segments.some((s) => CURRENT.test(s))) return `expected no "." segments, got one`;
  if (segments.some((s) => s === '')) return "expected no empty segments ('//')";
  return null;
}

/**
 * A segment that names git's own folder on some OS: `.git` in any case, also as Windows reads it (trailing
 * dots and spaces dropped, an NTFS stream such as `.git::$INDEX_ALLOCATION`, the 8.3 short name `GIT~1`).
 */
function isGitSegment(segment: string): boolean {
  const name = segment
    .replace(/:.*$/, '')
    .replace(/[. ]+$/, '')
    .toLowerCase();
  return name === '.git' || name === 'git~1';
}

/** The first segment of `path` that names git's own folder, or null. */
function gitSegment(path: string): string | null {
  return path.split(/[/\\]/).find(isGitSegment) ?? null;
}

/** Index of the first C0, DEL, C1 or bidi-override character (they make text display as something else), or -1. */
export function controlCharacterIndex(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
      return i;
  }
  return -1;
}

const ESCAPE = /%[0-9a-fA-F]{2}/;

/** One round of lenient `%XX` decoding on UTF-8 bytes; bad UTF-8 becomes U+FFFD. */
function decodeOnce(text: string): string {
  const input = new TextEncoder().encode(text);
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const byte = input[i] ?? 0;
    const hex = byte === 0x25 ? String.fromCharCode(input[i + 1] ?? 0, input[i + 2] ?? 0) : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else out.push(byte);
  }
  return new TextDecoder().decode(new Uint8Array(out));
}

/** The path after percent-decoding; `null` when there is nothing to decode. */
function percentDecoded(path: string): string | null {
  let current = path;
  // Several rounds: `%252e` is `%2e` after one decoder and `.` after two.
  for (let round = 0; round < 3 && ESCAPE.test(current); round++) current = decodeOnce(current);
  return current === path ? null : current;
}

/**
 * Checks a path from a profile's `files[].path` or `outputs[]`, or a snapshot's file: it must name something
 * inside the UI's install folder on any OS, whatever decodes or normalises it on the way, never git's own
 * folder (`.git`), and hold no bidi or zero-width characters.
 *
 * @returns an `expected …` message, or `null` when the path is fine. A trailing `/` is allowed.
 */
export function checkRelativePath(path: string): string | null {
  if (path.length === 0) return `${INSIDE}, got an empty path`;
  if (path.length > MAX_RELATIVE_PATH_LENGTH) {
    return `expected at most ${MAX_RELATIVE_PATH_LENGTH} characters, got ${path.length}`;
  }
  const control = controlCharacterIndex(path);
  if (control >= 0) {
    const code = path.charCodeAt(control).toString(16).toUpperCase().padStart(4, '0');
    return `expected no control characters, got U+${code} at position ${control + 1}`;
  }
  const text = textProblem(path, 'name');
  if (text) return text;
  const plain = structuralProblem(path);
  if (plain) return plain;

  // Spellings that some decoder on the way (a URL layer, a shell, a Windows API) may turn into a trick.
  const decoded = percentDecoded(path);
  if (
    decoded !== null &&
    (decoded.includes('\uFFFD') ||
      controlCharacterIndex(decoded) >= 0 ||
      textProblem(decoded, 'name') !== null ||
      structuralProblem(decoded))
  ) {
    return `expected no percent-encoded separators, dots or control characters, got one that decodes to ${JSON.stringify(decoded)}`;
  }
  for (const form of [path, decoded ?? path]) {
    const normal = form.normalize('NFKC');
    if (normal !== form && structuralProblem(normal)) {
      return `expected no look-alike characters for separators or dots, got one that normalises to ${JSON.stringify(normal)}`;
    }
  }
  return gitProblem(path, decoded);
}

/**
 * Refuses git's own folder (`.git/config` can make git run programs): as written, percent-decoded, and
 * NFKC-normalised (`．ｇｉｔ`), in any case or Windows spelling.
 */
function gitProblem(path: string, decoded: string | null): string | null {
  const forms = [path, decoded ?? path];
  for (const form of [...forms, ...forms.map((f) => f.normalize('NFKC'))]) {
    const segment = gitSegment(form);
    if (segment !== null) {
      const shown = form === path ? '' : ` (${JSON.stringify(path)} reads as ${JSON.stringify(form)})`;
      return `expected no ".git" segment (git's own folder), got ${JSON.stringify(segment)}${shown}`;
    }
  }
  return null;
}
