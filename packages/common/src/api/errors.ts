import * as z from 'zod';

/** Machine-readable error codes every API answer may carry. */
export const ErrorCode = z.enum([
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'budget_exceeded',
  'setup_required',
  'setup_done',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * One problem with the request, located by a dotted path such as `body.password` or `extensions[2].ref`;
 * for a YAML document, also its 1-based line and column.
 */
export const ErrorIssue = z.object({
  path: z.string(),
  message: z.string(),
  line: z.number().int().nullable().optional(),
  column: z.number().int().nullable().optional(),
});
export type ErrorIssue = z.infer<typeof ErrorIssue>;

/** The body of every non-2xx answer from `/api/*` and `/agent/v1/*`. */
export const ApiError = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    issues: z.array(ErrorIssue).optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;
