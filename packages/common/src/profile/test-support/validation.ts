import { validateProfile } from '../profile-validate.js';

/** `path: message` of every error; [] when valid. */
export function problems(value: unknown): string[] {
  const result = validateProfile(value);
  return result.ok ? [] : result.errors.map((issue) => `${issue.path}: ${issue.message}`);
}

/** The parsed profile; throws with the errors when the value is not valid. */
export function parsed(value: unknown) {
  const result = validateProfile(value);
  if (!result.ok) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.profile;
}

export const NAME_MESSAGE =
  'expected a name of lowercase letters, digits, ".", "_" or "-", starting with a letter or digit, at most 63 characters';
