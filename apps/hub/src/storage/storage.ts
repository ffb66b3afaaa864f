import type { Readable } from 'node:stream';
import { StorageArgumentError } from './errors.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Smallest allowed size of every multipart part but the last (R2 and S3). */
export const MIN_PART_SIZE = 5 * MiB;
/** Largest allowed size of one multipart part. */
export const MAX_PART_SIZE = 5 * GiB;
/** Most parts one multipart upload may have; part numbers run from 1 to this. */
export const MAX_PARTS = 10_000;
/** Largest object one presigned PUT may carry on R2 (about 4.995 GiB); bigger objects need multipart. */
export const MAX_PUT_SIZE = 5 * GiB - 5 * MiB;
/** Longest key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
/** Presigned URLs live from 1 s to 7 days (R2's range). */
export const MIN_EXPIRY_SECONDS = 1;
export const MAX_EXPIRY_SECONDS = 7 * 24 * 3600;

/**
 * A part size for uploading `totalBytes` in parts: `preferred` (default 64 MiB) rounded up to a whole MiB
 * and at least 5 MiB, grown when needed so the upload takes at most 10,000 parts.
 * @throws StorageArgumentError when `totalBytes` is negative or needs parts over 5 GiB (about 48.8 TiB).
 */
export function choosePartSize(totalBytes: number, preferred = 64 * MiB): number {
  if (!Number.isSafeInteger(totalBytes) || totalBytes < 0)
    throw new StorageArgumentError('totalBytes', 'a whole number of bytes, 0 or more', totalBytes);
  if (!Number.isFinite(preferred) || preferred <= 0)
    throw new StorageArgumentError('preferred', 'a positive number of bytes', preferred);
  const roundUp = (bytes: number) => Math.ceil(bytes / MiB) * MiB;
  const size = Math.max(
    MIN_PART_SIZE,
    roundUp(Math.min(preferred, MAX_PART_SIZE)),
    roundUp(totalBytes / MAX_PARTS),
  );
  if (size > MAX_PART_SIZE)
    throw new StorageArgumentError(
      'totalBytes',
      `at most ${MAX_PARTS} parts of 5 GiB (${MAX_PARTS * MAX_PART_SIZE} bytes)`,
      totalBytes,
    );
  return size;
}

/** What `head` tells about an object. `etag` is quoted as S3 sends it (`"…"`, multipart: `"…-N"`). */
export interface ObjectInfo {
  size: number;
  etag: string;
  lastModified: Date;
  contentType?: string;
}

/** One entry of a `list` answer. */
export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

export interface ListOptions {
  /** Most keys to return, 1..1000 (default 1000). */
  limit?: number;
  /** Return only keys after this one (exclusive); pass the previous answer's `next` to page on. */
  after?: string;
}

export interface ListResult {
  /** Keys in ascending UTF-8 byte order. */
  keys: ListedObject[];
  /** Set when more keys follow: pass it as `after` to get them. */
  next?: string;
}

/** A part the store holds for an unfinished multipart upload. */
export interface UploadedPart {
  partNumber: number;
  etag: string;
  size: number;
}

export interface PresignGetOptions {
  /** 1 s to 7 days. */
  expiresInSeconds: number;
  /** File name offered to browsers: the answer gets `Content-Disposition: attachment; filename=…`. */
  downloadName?: string;
  /** The answer's `Content-Type`, whatever type the object was stored with (signed into the URL). */
  contentType?: string;
}

export interface PresignPutOptions {
  /** 1 s to 7 days. */
  expiresInSeconds: number;
  /** When given, the upload must carry exactly this `Content-Length` (0 to `MAX_PUT_SIZE`). */
  contentLength?: number;
  /** When given, the upload must send this `Content-Type` header; the object keeps it. */
  contentType?: string;
}

/**
 * Object storage behind the hub: a local folder served by the hub (`local`) or any S3-compatible store
 * such as Cloudflare R2 (`s3`). Keys look like `models/sha256/<hex>`, `outputs/<instance-id>/<path>`,
 * `snapshots/<profile>/<v>.yaml`; every method validates its key first (see `validateKey`) and throws
 * `StorageKeyError` for a bad one. Clients move bytes through presigned URLs with plain HTTP; the hub uses
 * `get`/`put` only for small objects of its own.
 *
 * Multipart rules (R2's, enforced on both backends where the backend can see them): part numbers 1..10000;
 * every part but the last 5 MiB..5 GiB and all the same size; the last part 0..5 GiB. `choosePartSize`
 * picks a size that fits. Unfinished uploads should be completed or aborted (R2 drops them after 7 days).
 */
export interface ObjectStorage {
  readonly kind: 's3' | 'local';

  /**
   * A URL that downloads the object with `GET` (and `Range: bytes=…`) until it expires. Pure: does not
   * check that the object exists (the GET answers 404 then).
   * @throws StorageKeyError, StorageArgumentError (expiry outside 1 s..7 days).
   */
  presignGet(key: string, opts: PresignGetOptions): Promise<string>;

  /**
   * A URL that uploads the whole object with one `PUT` until it expires; a later PUT replaces the object.
   * The uploader must send the signed `Content-Length`/`Content-Type` when they were given.
   * @throws StorageKeyError, StorageArgumentError (expiry, contentLength above `MAX_PUT_SIZE`).
   */
  presignPut(key: string, opts: PresignPutOptions): Promise<string>;

  /** Size, ETag, time and type of the object, or `null` when it does not exist. Read-only. */
  head(key: string): Promise<ObjectInfo | null>;

  /**
   * The object's bytes as a Node `Readable` (consume or destroy it).
   * @throws StorageNotFoundError when the object does not exist.
   */
  get(key: string): Promise<Readable>;

  /**
   * Writes a small object of the hub's own (snapshots, indexes), replacing any previous one; readers see
   * the old or the new object, never a mix. Idempotent for the same bytes. Large files go through
   * presigned URLs instead. Returns the new ETag.
   */
  put(
    key: string,
    body: Buffer | Readable,
    opts?: { contentType?: string; contentLength?: number },
  ): Promise<{ etag: string }>;

  /** Removes the object. Idempotent: no error when it does not exist. */
  delete(key: string): Promise<void>;

  /**
   * Moves the object at `from` to `to`, replacing any object there, with `contentType` as its type when given
   * (else the source's). Readers of `to` see the whole old or the whole new object. Afterwards `from` is gone:
   * a later write to `from` (a presigned PUT still alive) makes a new object there and never changes `to`, so
   * the hub can verify `to` knowing no URL it handed out reaches it. Runs inside the store (a rename locally,
   * a server-side copy and a delete on S3/R2), never through the hub's memory.
   * @throws StorageNotFoundError when `from` does not exist; StorageKeyError for a bad key.
   */
  move(from: string, to: string, opts?: { contentType?: string }): Promise<{ etag: string }>;

  /**
   * Keys starting with `prefix` (a plain string prefix, not a folder: `outputs/ab` matches `outputs/abc/x`),
   * in ascending order, at most `limit` (1..1000, default 1000) at a time.
   * @throws StorageKeyError for a malformed prefix, StorageArgumentError for a bad limit.
   */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;

  /** Starts a multipart upload and returns its ID. Each call starts a new upload (not idempotent). */
  createMultipart(key: string, opts?: { contentType?: string }): Promise<string>;

  /**
   * A URL that uploads part `partNumber` (1..10000) of the upload with one `PUT`; its answer carries the
   * part's `ETag` header, which `completeMultipart` needs. Re-uploading a part replaces it. Pure: does not
   * check that the upload exists (the PUT fails then).
   * @throws StorageKeyError, StorageArgumentError (expiry, part number, upload ID).
   */
  presignPart(
    key: string,
    uploadId: string,
    partNumber: number,
    opts: { expiresInSeconds: number },
  ): Promise<string>;

  /**
   * The parts the store already holds for the upload, by ascending part number: what a resumed upload
   * can skip. Read-only.
   * @throws StorageUploadNotFoundError when the upload does not exist (any more).
   */
  listParts(key: string, uploadId: string): Promise<UploadedPart[]>;

  /**
   * Joins the listed parts (ascending part numbers, ETags as their uploads answered) into the object,
   * replacing any previous one, and ends the upload. Parts not listed are discarded. Not idempotent: once
   * it succeeded, the upload is gone and a repeat throws StorageUploadNotFoundError (check with `head`).
   * @throws StorageUploadNotFoundError (unknown, completed or aborted upload), StorageMultipartError (missing
   *   part, ETag mismatch, unordered list, part sizes breaking the rules above).
   */
  completeMultipart(
    key: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
  ): Promise<{ etag: string }>;

  /** Ends the upload and frees its parts. Idempotent: no error when the upload is already gone. */
  abortMultipart(key: string, uploadId: string): Promise<void>;
}
