import * as z from 'zod';

/** `GET /health`: answered without auth; 503 when the database does not answer. */
export const HealthResponse = z.object({
  status: z.enum(['ok', 'unavailable']),
  version: z.string(),
  database: z.object({ engine: z.enum(['pglite', 'postgres']), ok: z.boolean() }),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
