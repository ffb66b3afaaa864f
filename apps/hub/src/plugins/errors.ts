import type { ApiError, ErrorCode, ErrorIssue } from '@podpilot/common';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HttpError } from '../lib/http-error.js';
import {
  StorageArgumentError,
  StorageKeyError,
  StorageMultipartError,
  StorageNotFoundError,
  StorageUploadNotFoundError,
} from '../storage/index.js';

/** What a JSON body must be to be read at all (Fastify refuses prototype keys to prevent prototype pollution). */
const BAD_JSON_BODY = 'expected a valid JSON document without "__proto__" or "constructor" keys';

const body = (code: ErrorCode, message: string, issues?: ErrorIssue[]): ApiError => ({
  error: { code, message, ...(issues ? { issues } : {}) },
});

const codeForStatus = (status: number): ErrorCode =>
  status === 401
    ? 'unauthorized'
    : status === 403
      ? 'forbidden'
      : status === 404
        ? 'not_found'
        : status === 429
          ? 'rate_limited'
          : 'invalid_request';

/**
 * One shape for every error answer: `{error: {code, message, issues?}}`. Validation problems name the field
 * (`body.password: expected …`); unexpected errors are logged and answered without internals. Text the database
 * cannot hold (NUL, lone surrogates, controls) is handled before validation by plugins/text-input.ts.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      if (error.headers) reply.headers(error.headers);
      return reply.code(error.statusCode).send(body(error.code, error.message, error.issues));
    }
    if (error instanceof StorageNotFoundError || error instanceof StorageUploadNotFoundError) {
      return reply.code(404).send(body('not_found', error.message));
    }
    if (
      error instanceof StorageKeyError ||
      error instanceof StorageArgumentError ||
      error instanceof StorageMultipartError
    ) {
      return reply.code(400).send(body('invalid_request', error.message));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      const issues = error.validation.map((v) => ({
        path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'invalid value',
      }));
      const message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      return reply.code(400).send(body('invalid_request', message, issues));
    }
    // Fastify's own body parsing (bad JSON, or `__proto__`/`constructor` keys it refuses): name the body too.
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      const message = `body: ${BAD_JSON_BODY}`;
      return reply
        .code(400)
        .send(body('invalid_request', message, [{ path: 'body', message: BAD_JSON_BODY }]));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500)
      return reply.code(status).send(body(codeForStatus(status), error.message));
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(body('internal', 'internal error; the hub log has the details'));
  });
}
