import { HttpError } from '../../lib/http-error.js';

// Limits and refusals shared by the two halves of an output upload (output-presign.ts, output-confirm.ts).

const MiB = 1024 * 1024;
/** Files up to this size go up in one PUT; bigger ones in parts. */
export const MULTIPART_THRESHOLD_BYTES = 64 * MiB;
/** As for models: few requests for big videos, parallelism for a few hundred MiB. */
export const PREFERRED_PART_SIZE = 16 * MiB;
export const UPLOAD_URL_TTL_SECONDS = 3600;
/** Storage calls (signing, checks) of one presign or confirm batch in flight at once. */
export const STORAGE_PARALLEL = 16;

/** When the upload URLs handed out now expire, as the answers state it. */
export const uploadUrlsExpireAt = (): string =>
  new Date(Date.now() + UPLOAD_URL_TTL_SECONDS * 1000).toISOString();

/** 400 naming the request field at `path`. */
export const badRequest = (path: string, message: string) =>
  new HttpError(400, 'invalid_request', `${path}: ${message}`, [{ path, message }]);
