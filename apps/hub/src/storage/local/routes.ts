import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contentDisposition } from '../content-disposition.js';
import { MAX_PART_SIZE, MAX_PUT_SIZE, type ObjectInfo } from '../storage.js';
import type { LocalStorage } from './local-storage.js';
import { parseRange } from './range.js';
import { admitBody, authorize, sendError, sendStorageError } from './route-checks.js';
import type { UrlGrant } from './signing.js';

/** Route options shared by every storage route: reachable by signature alone, hidden from the OpenAPI doc. */
const OPTIONS = {
  config: { public: true },
  schema: { hide: true },
  // Bodies are streamed to disk by the pass-through parser below, never buffered; this only lifts Fastify's
  // own limit in case a buffering parser ever sees these routes.
  bodyLimit: Number.MAX_SAFE_INTEGER,
} as const;

/** The request body as a stream (the pass-through parser's), or an empty buffer when there is none. */
const bodyOf = (request: FastifyRequest): Readable | Buffer =>
  (request.body as Readable | undefined) ?? Buffer.alloc(0);

/**
 * Serves a `LocalStorage`'s presigned URLs:
 * - `GET|HEAD /storage/v1/object?key&op=get&exp&sig[&name]`: the object, with `Range: bytes=` (206/416),
 *   `Accept-Ranges`, `Content-Length`, `ETag`, `Last-Modified`, `X-Content-Type-Options: nosniff`, the signed
 *   `Content-Type` (else the stored one), and `Content-Disposition` when signed with a name;
 * - `PUT /storage/v1/object?key&op=put&exp&sig[&len][&type]`: streams the body to disk (any size up to
 *   `MAX_PUT_SIZE`, never buffered) and answers 200 with the `ETag`;
 * - `PUT /storage/v1/part?key&op=part&uploadId&partNumber&exp&sig`: one multipart part; answers 200 with `ETag`.
 * Authenticated by the signature alone (`config.public`). Bad or expired signature → 403, missing object or
 * upload → 404, body not as signed → 403/400, all with the hub's `{error: {code, message}}` body.
 *
 * The routes live in their own plugin scope: the raw-stream body parser applies to them only.
 */
export async function registerLocalStorageRoutes(app: FastifyInstance, storage: LocalStorage): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.route({
      ...OPTIONS,
      method: ['GET', 'HEAD'],
      url: '/storage/v1/object',
      handler: (request, reply) => getObject(storage, request, reply),
    });
    scope.put('/storage/v1/object', OPTIONS, (request, reply) => putObject(storage, request, reply));
    scope.put('/storage/v1/part', OPTIONS, (request, reply) => putPart(storage, request, reply));
  });
}

/** `GET|HEAD /storage/v1/object`: the object or the signed range of it. */
async function getObject(storage: LocalStorage, request: FastifyRequest, reply: FastifyReply) {
  const grant = await authorize(storage, request, reply, 'get');
  if (!grant) return reply;
  const opened = await storage.openForRead(grant.key);
  if (!opened)
    return sendError(reply, 404, 'not_found', `storage object ${JSON.stringify(grant.key)} not found`);
  const { info, handle } = opened;
  const range = parseRange(request.headers.range, info.size);
  if (range === 'unsatisfiable') {
    await handle.close();
    reply.header('content-range', `bytes */${info.size}`);
    return sendError(
      reply,
      416,
      'invalid_request',
      `Range: ${request.headers.range} is outside the object (${info.size} bytes)`,
    );
  }
  setObjectHeaders(reply, info, grant);
  if (range) {
    reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${info.size}`)
      .header('content-length', range.end - range.start + 1);
  } else reply.code(200).header('content-length', info.size);
  if (request.method === 'HEAD' || info.size === 0) {
    await handle.close();
    return reply.send();
  }
  return reply.send(handle.createReadStream(range ? { start: range.start, end: range.end } : {}));
}

/**
 * The headers of every object answer, ranged or not: the type the URL signed (else the stored one), the
 * download name only when the URL signed one, and `nosniff` always.
 */
function setObjectHeaders(reply: FastifyReply, info: ObjectInfo, grant: UrlGrant): void {
  reply
    .header('accept-ranges', 'bytes')
    .header('etag', info.etag)
    .header('last-modified', info.lastModified.toUTCString())
    .header('content-type', grant.contentType ?? info.contentType ?? 'application/octet-stream')
    // Never guess a type from the bytes: a file stored as text or octets is never run as HTML or script.
    .header('x-content-type-options', 'nosniff');
  if (grant.downloadName !== undefined)
    reply.header('content-disposition', contentDisposition(grant.downloadName));
}

/** `PUT /storage/v1/object`: the whole object, streamed to disk. */
async function putObject(storage: LocalStorage, request: FastifyRequest, reply: FastifyReply) {
  const grant = await authorize(storage, request, reply, 'put');
  if (!grant || !admitBody(grant, request, reply, MAX_PUT_SIZE)) return reply;
  const type = grant.contentType ?? request.headers['content-type'];
  try {
    const { etag } = await storage.receiveObject(grant.key, bodyOf(request), {
      ...(type ? { contentType: type } : {}),
      ...(grant.contentLength === undefined ? {} : { contentLength: grant.contentLength }),
    });
    return reply.code(200).header('etag', etag).send();
  } catch (error) {
    return sendStorageError(reply, error);
  }
}

/** `PUT /storage/v1/part`: one part of a multipart upload. */
async function putPart(storage: LocalStorage, request: FastifyRequest, reply: FastifyReply) {
  const grant = await authorize(storage, request, reply, 'part');
  if (!grant || !admitBody(grant, request, reply, MAX_PART_SIZE)) return reply;
  if (grant.uploadId === undefined || grant.partNumber === undefined)
    return sendError(reply, 403, 'forbidden', 'storage URL: a part URL needs uploadId and partNumber');
  try {
    const etag = await storage.receivePart(grant.key, grant.uploadId, grant.partNumber, bodyOf(request));
    return reply.code(200).header('etag', etag).send();
  } catch (error) {
    return sendStorageError(reply, error);
  }
}
