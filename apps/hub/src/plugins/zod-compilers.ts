import type { FastifyInstance } from 'fastify';
import { ResponseSerializationError, validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';

/**
 * Requests are validated with the routes' zod schemas; answers are checked by *parsing* with their schema (not
 * zod's encode, which refuses the one-way transforms the profile schema uses to fill in defaults; parsing a
 * parsed profile is a no-op).
 */
export function useZodCompilers(app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(({ schema, method, url }) => (data) => {
    const result = (schema as ZodType).safeParse(data);
    if (!result.success) throw new ResponseSerializationError(method, url, { cause: result.error });
    return JSON.stringify(result.data);
  });
}
