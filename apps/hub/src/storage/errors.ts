/** Base class of every error the storage layer throws on purpose; callers can map it to an HTTP answer. */
export class StorageError extends Error {
  override name = 'StorageError';
}

/** A key breaks the key rules (see `validateKey`); the message names the key and what was expected. */
export class StorageKeyError extends StorageError {
  override name = 'StorageKeyError';
  constructor(
    readonly key: string,
    readonly expected: string,
  ) {
    super(`storage key ${JSON.stringify(key)}: expected ${expected}`);
  }
}

/** An argument other than the key is out of range (expiry, part number, content length…). */
export class StorageArgumentError extends StorageError {
  override name = 'StorageArgumentError';
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly got: unknown,
  ) {
    super(`${field}: expected ${expected}, got ${JSON.stringify(got)}`);
  }
}

/** The object does not exist (S3 `NoSuchKey` / 404). */
export class StorageNotFoundError extends StorageError {
  override name = 'StorageNotFoundError';
  constructor(readonly key: string) {
    super(`storage object ${JSON.stringify(key)} not found`);
  }
}

/** The multipart upload does not exist: never created, already completed, or aborted (S3 `NoSuchUpload`). */
export class StorageUploadNotFoundError extends StorageError {
  override name = 'StorageUploadNotFoundError';
  constructor(
    readonly key: string,
    readonly uploadId: string,
  ) {
    super(
      `multipart upload ${JSON.stringify(uploadId)} of ${JSON.stringify(key)} not found: ` +
        'it was never created, or was already completed or aborted',
    );
  }
}

/**
 * A multipart upload cannot be completed as asked: a part is missing or its ETag differs (S3 `InvalidPart`),
 * the list is not in ascending order (`InvalidPartOrder`), or a part other than the last is too small
 * or not the same size as the others (`EntityTooSmall`).
 */
export class StorageMultipartError extends StorageError {
  override name = 'StorageMultipartError';
}
