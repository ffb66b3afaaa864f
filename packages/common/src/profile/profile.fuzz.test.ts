import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatProfileIssue, type ProfileIssue, type ProfileParseResult } from './profile-issues.js';
import { validateProfile } from './profile-validate.js';
import { parseProfileYaml, profileToYaml } from './profile-yaml.js';
import { anyText, nearProfile, nearProfileText, yamlishText } from './test-support/profile-arbitraries.js';

/** 100,000 generated documents in all across this file (the budget of the issue). */
const RUNS = { anyText: 56_000, yamlish: 30_000, nearText: 8_000, nearValue: 6_000 };

/** A field path as `formatIssuePath` writes it: `(root)`, `models[0].source`, `env["a b"]`. */
const PATH = /^(\(root\)|[A-Za-z_][\w-]*|\[\d+\]|\[".*"\])(\.[A-Za-z_][\w-]*|\[\d+\]|\[".*"\])*$/s;

/** Checks the invariants of one result; returns a description of the first broken one, or null. */
function broken(result: ProfileParseResult, input: unknown): string | null {
  const issues: ProfileIssue[] = result.ok ? result.warnings : [...result.errors, ...result.warnings];
  if (!result.ok && result.errors.length === 0) return 'rejected without an error';
  for (const issue of issues) {
    if (typeof issue.path !== 'string' || !PATH.test(issue.path))
      return `bad path ${JSON.stringify(issue.path)}`;
    if (typeof issue.message !== 'string' || issue.message.trim() === '') return 'empty message';
    if (!formatProfileIssue(issue).includes(`${issue.path}: `))
      return 'formatted issue does not name its path';
  }
  // A mapping's problems belong to a field of it; `(root)` is kept for syntax errors and non-mappings.
  const mapping = typeof input === 'object' && input !== null && !Array.isArray(input);
  if (!result.ok && mapping && result.errors.some((e) => e.path === '(root)'))
    return `a mapping rejected at (root): ${JSON.stringify(result.errors)}`;
  if (result.ok) {
    // A valid profile writes canonical YAML that parses back to itself.
    const again = parseProfileYaml(profileToYaml(result.profile));
    if (!again.ok) return `canonical YAML does not parse again: ${JSON.stringify(again.errors)}`;
    if (!isDeepStrictEqual(again.profile, result.profile)) return 'canonical YAML changed the profile';
    if (profileToYaml(again.profile) !== profileToYaml(result.profile)) return 'canonical YAML is not stable';
  }
  return null;
}

/** Parses text, which must never throw; the parsed YAML value (when there is one) decides the mapping rule. */
function checkText(text: string): void {
  let result: ProfileParseResult;
  try {
    result = parseProfileYaml(text);
  } catch (error) {
    throw new Error(`parseProfileYaml threw on ${JSON.stringify(text)}: ${String(error)}`);
  }
  const syntax = !result.ok && result.errors.some((e) => e.message.startsWith('expected valid YAML'));
  let value: unknown = null;
  if (!syntax) {
    try {
      value = JSON.parse(text);
    } catch {
      value = null; // YAML that is not JSON: the mapping rule is checked on JSON and structured inputs
    }
  }
  const problem = broken(result, value);
  if (problem) throw new Error(`${problem}\n  for ${JSON.stringify(text)}`);
}

describe('profile parser under generated input (fast-check)', () => {
  // Thousands of runs each: seconds alone, far more while the machine is busy (CPU time, not waiting).
  // The yaml library reports a mapping key that is itself a collection through process.emitWarning (not
  // an issue, not a throw): kept off the test output here.
  let quiet: ReturnType<typeof vi.spyOn> | undefined;
  beforeAll(() => {
    quiet = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
  });
  afterAll(() => quiet?.mockRestore());

  it(`never throws on arbitrary text, and every rejection names a path (${RUNS.anyText} runs)`, () => {
    fc.assert(fc.property(anyText, checkText), { numRuns: RUNS.anyText });
  }, 120_000);

  it(`never throws on YAML-looking text (anchors, tags, aliases, flow) (${RUNS.yamlish} runs)`, () => {
    fc.assert(fc.property(yamlishText, checkText), { numRuns: RUNS.yamlish });
  }, 120_000);

  it(`names a field for every problem of near-valid profiles as YAML and JSON (${RUNS.nearText} runs)`, () => {
    fc.assert(fc.property(nearProfileText, checkText), { numRuns: RUNS.nearText });
  }, 120_000);

  it(`validates near-valid profile values without throwing, naming a field (${RUNS.nearValue} runs)`, () => {
    let valid = 0;
    fc.assert(
      fc.property(nearProfile, (value) => {
        let result: ProfileParseResult;
        try {
          result = validateProfile(value);
        } catch (error) {
          throw new Error(`validateProfile threw on ${JSON.stringify(value)}: ${String(error)}`);
        }
        if (result.ok) valid++;
        const problem = broken(result, value);
        if (problem) throw new Error(problem);
      }),
      { numRuns: RUNS.nearValue },
    );
    // Near-valid means some are valid: the canonical round trip above ran too.
    expect(valid).toBeGreaterThan(RUNS.nearValue / 1000);
  }, 120_000);

  it('adds up to the 100,000 documents of the budget', () => {
    expect(Object.values(RUNS).reduce((a, b) => a + b, 0)).toBe(100_000);
  });

  it('survives alias bombs and deep nesting with an issue, not a crash or a hang', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    for (const text of [
      bomb,
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      `${'- '.repeat(3000)}x`,
      'x'.repeat(5 * 1024 * 1024),
    ]) {
      const started = Date.now();
      const result = parseProfileYaml(text);
      expect(result.ok).toBe(false);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(broken(result, null)).toBeNull();
    }
  });
});
