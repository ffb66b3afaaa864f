import type { ProfileIssue } from '@podpilot/common';

/** The line of the top-level `name:` key (1-based), or 1. */
export function nameLine(lines: readonly string[]): number {
  const index = lines.findIndex((line) => /^name\s*:/.test(line));
  return index === -1 ? 1 : index + 1;
}

/** `name: x` at the top level, read without the parser (only when the checker could not run). */
export function nameFromText(text: string): string | null {
  const match = /^name\s*:\s*["']?([a-z0-9][a-z0-9._-]*)["']?\s*$/m.exec(text);
  return match?.[1] ?? null;
}

/**
 * The errors the editor shows for a checked text: the parser's, or — editing an existing profile — a
 * `name:` that no longer matches it.
 */
export function editorErrors(
  checked: { text: string; name: string | null; errors: ProfileIssue[] },
  fixedName: string | null,
): ProfileIssue[] {
  if (checked.errors.length > 0) return checked.errors;
  if (fixedName !== null && checked.name !== null && checked.name !== fixedName) {
    const line = nameLine(checked.text.split('\n'));
    const message = `expected "${fixedName}" (this profile's name), got "${checked.name}"; to copy it under another name, start a new profile`;
    return [{ path: 'name', line, column: 1, message }];
  }
  return [];
}

const count = (n: number, what: string) => (n ? `${n} ${what}${n === 1 ? '' : 's'}` : null);

/** "2 errors, 1 warning", or "No problems found." */
export function issueSummary(errors: number, warnings: number): string {
  if (errors === 0 && warnings === 0) return 'No problems found.';
  return [count(errors, 'error'), count(warnings, 'warning')].filter(Boolean).join(', ');
}
