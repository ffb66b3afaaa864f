import type { ProfileIssue } from '@podpilot/common';

/** Issues of one line of the editor: errors first, then warnings. */
export interface LineIssues {
  errors: ProfileIssue[];
  warnings: ProfileIssue[];
}

/** Groups issues by their 1-based line; issues without a line are left out (they are listed separately). */
export function issuesByLine(
  errors: readonly ProfileIssue[],
  warnings: readonly ProfileIssue[],
): Map<number, LineIssues> {
  const byLine = new Map<number, LineIssues>();
  const at = (line: number) => {
    let entry = byLine.get(line);
    if (!entry) {
      entry = { errors: [], warnings: [] };
      byLine.set(line, entry);
    }
    return entry;
  };
  for (const issue of errors) if (issue.line !== null) at(issue.line).errors.push(issue);
  for (const issue of warnings) if (issue.line !== null) at(issue.line).warnings.push(issue);
  return byLine;
}

/** `path: message`, or just the message for the whole document. */
export const issueText = (issue: ProfileIssue): string =>
  issue.path === '(root)' ? issue.message : `${issue.path}: ${issue.message}`;

/** The character offset of a 1-based line and column in `text` (clamped to the text). */
export function offsetOf(text: string, line: number, column: number | null): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  const end = text.indexOf('\n', offset);
  const lineEnd = end === -1 ? text.length : end;
  return Math.min(offset + Math.max((column ?? 1) - 1, 0), lineEnd);
}

/** `name` or `name@3` (the launch page's `?profile=`); version null means the latest. */
export function parseProfileRef(ref: string): { name: string; version: number | null } {
  const at = ref.lastIndexOf('@');
  if (at <= 0) return { name: ref.trim(), version: null };
  const version = Number(ref.slice(at + 1));
  return {
    name: ref.slice(0, at).trim(),
    version: Number.isInteger(version) && version >= 1 ? version : null,
  };
}

export const profileRef = (name: string, version: number | null): string =>
  version === null ? name : `${name}@${version}`;

export type DiffLineKind = 'header' | 'hunk' | 'added' | 'removed' | 'context';

/** What a line of a unified diff is, for colouring. */
export function diffLineKind(line: string): DiffLineKind {
  if (
    line.startsWith('+++') ||
    line.startsWith('---') ||
    line.startsWith('===') ||
    line.startsWith('Index:')
  ) {
    return 'header';
  }
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'added';
  if (line.startsWith('-')) return 'removed';
  return 'context';
}

/** The version before `version`, or null for the first one. */
export const previousVersion = (version: number): number | null => (version > 1 ? version - 1 : null);

/** A starting point for a new profile: valid as it stands, with comments explaining each part. */
export const NEW_PROFILE_TEMPLATE = `# The name is also the profile's address: lowercase letters, digits, ".", "_" or "-".
name: my-comfyui
description: ComfyUI with SDXL

# The UI and the git ref it is built from: a1111, comfyui, forge, fooocus or kohya.
ui:
  kind: comfyui
  ref: v0.3.68

# Extensions (custom nodes for ComfyUI), each at an exact 40-hex commit.
extensions: []

# Models: checked against their sha256, kept in storage and linked into the UI's folder.
# Push one with: podpilot models push ./model.safetensors --kind checkpoint
models: []

# Stop the instance after this many minutes without GPU work, jobs or new outputs.
idle:
  minutes: 30
  action: stop
`;
