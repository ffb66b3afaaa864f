import { StorageMultipartError, StorageNotFoundError, StorageUploadNotFoundError } from '../errors.js';

interface SdkError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const MULTIPART_ERRORS = new Set(['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall', 'EntityTooLarge']);

/** The S3 error code of an SDK error (`NoSuchKey`, `NotFound` for HEAD…), if it is one. */
export function s3ErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as SdkError;
  return e.Code ?? e.name;
}

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null
    ? (error as SdkError).$metadata?.httpStatusCode
    : undefined;
}

/**
 * Turns an SDK error into the storage layer's errors where one fits (missing object, missing upload, bad
 * parts); anything else is returned unchanged. SDK errors carry no credentials, so passing them on is safe.
 */
export function translateS3Error(error: unknown, key: string, uploadId?: string): unknown {
  const code = s3ErrorCode(error);
  if (code === 'NoSuchUpload' || (uploadId !== undefined && statusOf(error) === 404))
    return new StorageUploadNotFoundError(key, uploadId ?? '');
  if (code === 'NoSuchKey' || code === 'NotFound' || statusOf(error) === 404)
    return new StorageNotFoundError(key);
  if (code && MULTIPART_ERRORS.has(code)) {
    const message = (error as SdkError).message ?? code;
    return new StorageMultipartError(
      `multipart upload of ${JSON.stringify(key)} rejected (${code}): ${message}`,
    );
  }
  return error;
}
