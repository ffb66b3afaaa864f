import {
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parse,
  parseDocument,
  visit,
  type YAMLError,
} from 'yaml';
import type { Profile } from './profile.schema.js';
import {
  formatIssuePath,
  type ProfileIssue,
  type ProfileParseResult,
  type RawIssue,
} from './profile-issues.js';
import { checkProfile } from './profile-validate.js';

/** Larger YAML is refused before parsing: real profiles are a few kilobytes plus inline files. */
export const MAX_PROFILE_YAML_LENGTH = 4 * 1024 * 1024;

type Position = { line: number; column: number } | null;

function position(
  lineCounter: LineCounter,
  node: { range?: readonly number[] | null } | null | undefined,
): Position {
  const offset = node?.range?.[0];
  if (offset === undefined) return null;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** The YAML node an issue is about; a missing key resolves to the mapping that lacks it. */
function nodeFor(doc: Document, issue: RawIssue): Node | null {
  let node: unknown = doc.contents;
  for (const [index, segment] of issue.segments.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    const last = index === issue.segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (!pair) return node;
      if (last && issue.atKey) return pair.key as Node;
      // `key:` with nothing after it: the empty value sits at the end of the line, so point at the key.
      const value = pair.value;
      if (
        value === null ||
        value === undefined ||
        (isScalar(value) && value.range?.[0] === value.range?.[1])
      ) {
        return pair.key as Node;
      }
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined || item === null) return node;
      node = item;
    } else {
      return (node as Node | null) ?? null;
    }
  }
  return (node as Node | null) ?? null;
}

function yamlIssue(lineCounter: LineCounter, error: YAMLError, prefix: string): ProfileIssue {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  return { path: '(root)', line, column: col, message: `${prefix}${error.message}` };
}

/** In reading order, like a compiler; issues on one spot keep their order (the sort is stable). */
function byPosition(issues: ProfileIssue[]): ProfileIssue[] {
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

const rootIssue = (message: string): ProfileIssue => ({ path: '(root)', line: 1, column: 1, message });

/**
 * Parses and validates a profile written in YAML. Errors and warnings name the path of the value
 * and its 1-based line and column; YAML syntax errors are issues too. A valid result has every
 * default applied.
 */
export function parseProfileYaml(text: string): ProfileParseResult {
  if (text.length > MAX_PROFILE_YAML_LENGTH) {
    const message = `expected a profile of at most ${MAX_PROFILE_YAML_LENGTH} characters, got ${text.length}`;
    return { ok: false, errors: [rootIssue(message)], warnings: [] };
  }
  const lineCounter = new LineCounter();
  // logLevel 'error': warnings are reported as issues, never printed (hostile input could flood stderr).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const warnings = doc.warnings.map((w) => yamlIssue(lineCounter, w, ''));
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => yamlIssue(lineCounter, e, 'expected valid YAML: ')),
      warnings,
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message = `expected valid YAML: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, errors: [rootIssue(message)], warnings };
  }
  const locate = (issue: RawIssue): ProfileIssue => {
    // An empty document has no node at all: its issues belong at the start.
    const at = position(lineCounter, nodeFor(doc, issue)) ?? { line: 1, column: 1 };
    return {
      path: formatIssuePath(issue.segments),
      line: at.line,
      column: at.column,
      message: issue.message,
    };
  };
  const checked = checkProfile(value);
  if (!checked.ok) return { ok: false, errors: byPosition(checked.errors.map(locate)), warnings };
  return {
    ok: true,
    profile: checked.profile,
    warnings: byPosition([...warnings, ...checked.warnings.map(locate)]),
  };
}

/** True for strings a YAML 1.1 reader (PyYAML, for one) would read as something else: `yes`, `1:20`, `2024-01-01`. */
function changesUnderYaml11(text: string): boolean {
  if (text.includes('\n')) return false;
  try {
    return typeof parse(text, { version: '1.1' }) !== 'string';
  } catch {
    return false;
  }
}

/** The profile as plain data in canonical key order; optional keys that are unset are left out. */
function canonicalData(profile: Profile): Record<string, unknown> {
  const data: Record<string, unknown> = { name: profile.name };
  if (profile.description !== undefined) data.description = profile.description;
  const { kind, ref, repo, command } = profile.ui;
  data.ui = {
    kind,
    ref,
    ...(repo === undefined ? {} : { repo }),
    ...(command === undefined ? {} : { command }),
  };
  data.extensions = profile.extensions.map(({ url, ref, name }) => ({ url, ref, name }));
  data.models = profile.models.map(({ name, kind, sha256, source, file }) => ({
    name,
    kind,
    sha256,
    source: source.url !== undefined ? { url: source.url } : { storage: source.storage },
    file,
  }));
  data.files = profile.files.map((file) =>
    file.content !== undefined
      ? { path: file.path, content: file.content }
      : { path: file.path, storage: file.storage },
  );
  // Code-unit order, not locale order: the same bytes on every machine.
  const envKeys = Object.keys(profile.env).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  data.env = Object.fromEntries(envKeys.map((key) => [key, profile.env[key]]));
  data.args = [...profile.args];
  data.outputs = [...profile.outputs];
  data.idle = { minutes: profile.idle.minutes, action: profile.idle.action };
  if (profile.python !== undefined) {
    const { extraIndexUrls, findLinks, packages } = profile.python;
    data.python = {
      ...(extraIndexUrls !== undefined ? { extraIndexUrls: [...extraIndexUrls] } : {}),
      ...(findLinks !== undefined ? { findLinks: [...findLinks] } : {}),
      ...(packages !== undefined ? { packages: [...packages] } : {}),
    };
  }
  return data;
}

/**
 * The canonical YAML of a profile: fixed key order, env keys sorted, defaults written out, no
 * comments, 2-space indent, no line folding, multi-line strings as block literals, trailing newline.
 * Parsing the output and writing it again gives the same bytes.
 */
export function profileToYaml(profile: Profile): string {
  const doc = new Document(canonicalData(profile), { version: '1.2' });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && changesUnderYaml11(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({
    indent: 2,
    indentSeq: true,
    lineWidth: 0,
    minContentWidth: 0,
    blockQuote: 'literal',
    defaultKeyType: 'PLAIN',
    defaultStringType: 'PLAIN',
  });
}
