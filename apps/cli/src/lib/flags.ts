import type { z } from 'zod';
import { CliError } from './cli-error.js';

/** How a schema field is given on the command line. */
export interface FlagSpec {
  /** `--max-price`, or `PROFILE` for an argument. */
  flag: string;
  /** What a good value looks like, said instead of the schema's own message. */
  expected?: string;
}

/**
 * Checks values built from command-line flags against a shared API schema before anything is sent. The
 * first problem becomes a CliError naming the flag, what was expected and what was given (`raw[field]`).
 */
export function parseFlags<S extends z.ZodType>(
  schema: S,
  value: unknown,
  specs: Record<string, FlagSpec>,
  raw: Record<string, unknown> = {},
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const spec = specs[key];
  // A coerced number that is not one ("abc" → NaN) says "expected number, received NaN": say it plainly.
  const message =
    spec?.expected ??
    (issue?.code === 'invalid_type' && issue.expected === 'number'
      ? 'expected a number'
      : (issue?.message ?? 'invalid value'));
  const given = raw[key];
  throw new CliError(
    `${spec?.flag ?? (key || 'arguments')}: ${message}${given === undefined ? '' : `, got "${String(given)}"`}`,
  );
}
