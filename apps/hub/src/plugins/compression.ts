import fastifyCompress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/**
 * What the hub compresses on the fly: JSON (API answers, problem details), YAML and plain text. Never event
 * streams (each event must reach the browser at once), HTML (the app's pages are precompressed at build, and an
 * output served as HTML is someone else's bytes), or binary and octet-stream bodies (downloads answer ranges).
 */
export const COMPRESSIBLE =
  /^(?:application\/(?:[\w.+-]+\+)?json|application\/(?:x-)?yaml|text\/(?:plain|csv|yaml))(?:;|$)/;

/** Answers smaller than this go out as they are: compressing them saves less than it costs. */
export const COMPRESS_THRESHOLD_BYTES = 1024;

/**
 * Compresses answers (brotli or gzip, as the client accepts) above {@link COMPRESS_THRESHOLD_BYTES} whose type is
 * {@link COMPRESSIBLE}. An answer that already has a Content-Encoding (a precompressed asset) is left alone.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCompress, {
    global: true,
    encodings: ['br', 'gzip'],
    threshold: COMPRESS_THRESHOLD_BYTES,
    customTypes: COMPRESSIBLE,
  });
}
