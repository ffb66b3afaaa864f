import type { ApiError, ErrorCode } from '@podpilot/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  StorageArgumentError,
  StorageKeyError,
  StorageMultipartError,
  StorageNotFoundError,
  StorageUploadNotFoundError,
} from '../errors.js';
import type { LocalStorage } from './local-storage.js';
import { grantFromQuery, type UrlGrant } from './signing.js';

// What the local storage routes check before they touch a file, and how they answer a refusal: the hub's
// `{error: {code, message}}` body, sent here because these routes answer outside the app's error handler.

/** Answers `status` with the hub's error body. */
export function sendError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
): FastifyReply {
  const body: ApiError = { error: { code, message } };
  // A refused upload may have body bytes left unread: do not reuse the connection for another request.
  if (reply.request.method === 'PUT') reply.header('connection', 'close');
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** Maps the storage layer's errors to answers; anything else goes on to the app's error handler. */
export function sendStorageError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof StorageNotFoundError || error instanceof StorageUploadNotFoundError)
    return sendError(reply, 404, 'not_found', error.message);
  if (error instanceof StorageKeyError) return sendError(reply, 409, 'conflict', error.message);
  if (error instanceof StorageArgumentError || error instanceof StorageMultipartError)
    return sendError(reply, 400, 'invalid_request', error.message);
  throw error;
}

/** The URL's grant when its signature is good, unexpired and for `op`; otherwise answers 403 and returns null. */
export async function authorize(
  storage: LocalStorage,
  request: FastifyRequest,
  reply: FastifyReply,
  op: UrlGrant['op'],
): Promise<UrlGrant | null> {
  const parsed = grantFromQuery(request.query as Record<string, string | string[] | undefined>);
  if (!parsed || parsed.grant.op !== op) {
    sendError(
      reply,
      403,
      'forbidden',
      'storage URL: malformed or not for this operation; ask the hub for a new URL',
    );
    return null;
  }
  const check = await storage.checkGrant(parsed.grant, parsed.signature);
  if (check === 'ok') return parsed.grant;
  sendError(
    reply,
    403,
    'forbidden',
    check === 'expired'
      ? `storage URL: expired at ${new Date(parsed.grant.exp * 1000).toISOString()}; ask the hub for a new URL`
      : 'storage URL: the signature does not match; ask the hub for a new URL',
  );
  return null;
}

/**
 * Checks the declared body against the grant and the size limit before reading it: signed `Content-Length`
 * and `Content-Type` must match exactly, as S3 requires for signed headers. Answers and returns false if not.
 */
export function admitBody(
  grant: UrlGrant,
  request: FastifyRequest,
  reply: FastifyReply,
  max: number,
): boolean {
  const declared = request.headers['content-length'];
  if (
    grant.contentLength !== undefined &&
    declared !== undefined &&
    Number(declared) !== grant.contentLength
  ) {
    sendError(
      reply,
      403,
      'forbidden',
      `Content-Length: expected ${grant.contentLength} as signed, got ${declared}`,
    );
    return false;
  }
  const type = request.headers['content-type'];
  if (grant.contentType !== undefined && type !== grant.contentType) {
    sendError(
      reply,
      403,
      'forbidden',
      `Content-Type: expected ${JSON.stringify(grant.contentType)} as signed, got ${JSON.stringify(type ?? null)}`,
    );
    return false;
  }
  if (declared !== undefined && Number(declared) > max) {
    sendError(
      reply,
      413,
      'invalid_request',
      `Content-Length: expected at most ${max} bytes, got ${declared}`,
    );
    return false;
  }
  return true;
}
