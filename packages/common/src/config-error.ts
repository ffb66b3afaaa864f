import type { z } from 'zod';

/** Start-up configuration is wrong; `message` is one line naming each variable and what was expected. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

/** Turns zod issues on an env object into `NAME: expected …, got "value"` lines. */
export function configProblems(error: z.ZodError, source: Record<string, string | undefined>): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(config)');
    const got = source[name];
    return `${name}: ${issue.message}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`;
  });
}
