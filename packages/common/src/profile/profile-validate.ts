import { Profile } from './profile.schema.js';
import { type ProfileParseResult, type RawIssue, rawIssuesFromZod, unlocated } from './profile-issues.js';
import { ENV_NAME_EXPECTED } from './profile-values.js';
import { rawProfileWarnings } from './profile-warnings.js';

/** The schema and the warnings on one value, before issues are located. */
export type CheckedProfile =
  | { ok: true; profile: Profile; warnings: RawIssue[] }
  | { ok: false; errors: RawIssue[] };

// zod drops a `__proto__` key from a record without a word; say so instead (YAML and JSON can both carry one).
function protoKeyInEnv(value: unknown): RawIssue[] {
  const env = typeof value === 'object' && value !== null ? (value as { env?: unknown }).env : undefined;
  if (typeof env !== 'object' || env === null || !Object.hasOwn(env, '__proto__')) return [];
  return [{ segments: ['env', '__proto__'], atKey: true, message: `${ENV_NAME_EXPECTED}, got "__proto__"` }];
}

/** Runs the schema and, on a valid profile, the warning rules; issues keep their raw path for locating. */
export function checkProfile(value: unknown): CheckedProfile {
  const result = Profile.safeParse(value);
  const extra = protoKeyInEnv(value);
  if (!result.success)
    return { ok: false, errors: [...rawIssuesFromZod(result.error.issues, value), ...extra] };
  if (extra.length > 0) return { ok: false, errors: extra };
  return { ok: true, profile: result.data, warnings: rawProfileWarnings(result.data) };
}

/**
 * Validates a profile that is already a JS value (for example a JSON body). Issues carry no line
 * numbers; use `parseProfileYaml` for YAML text.
 */
export function validateProfile(value: unknown): ProfileParseResult {
  const checked = checkProfile(value);
  return checked.ok
    ? { ok: true, profile: checked.profile, warnings: checked.warnings.map(unlocated) }
    : { ok: false, errors: checked.errors.map(unlocated), warnings: [] };
}
