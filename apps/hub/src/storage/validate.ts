import { StorageArgumentError, StorageKeyError, StorageMultipartError } from './errors.js';
import {
  type ListOptions,
  MAX_EXPIRY_SECONDS,
  MAX_KEY_BYTES,
  MAX_PART_SIZE,
  MAX_PARTS,
  MAX_PUT_SIZE,
  MIN_EXPIRY_SECONDS,
  MIN_PART_SIZE,
} from './storage.js';

// C0 controls, DEL and C1 controls: invisible in logs and unsafe in file names and headers.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Checks a storage key. A key is 1..1024 UTF-8 bytes of `/`-separated segments, each non-empty and not
 * `.` or `..`, with no backslash and no control character (NUL included); it neither starts nor ends
 * with `/`. The same rules hold on every backend, so a key that works locally works on R2.
 * @throws StorageKeyError naming the key and the rule it breaks.
 */
export function validateKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new StorageKeyError(String(key), 'a non-empty key');
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES)
    throw new StorageKeyError(key, `at most ${MAX_KEY_BYTES} bytes of UTF-8 (it has ${bytes})`);
  if (CONTROL.test(key)) throw new StorageKeyError(key, 'no control characters (NUL, newline, tab…)');
  if (key.includes('\\')) throw new StorageKeyError(key, 'no backslash; separate folders with "/"');
  if (key.startsWith('/')) throw new StorageKeyError(key, 'a relative key without a leading "/"');
  if (key.endsWith('/')) throw new StorageKeyError(key, 'a key that does not end with "/"');
  for (const segment of key.split('/')) {
    if (segment === '') throw new StorageKeyError(key, 'no empty segment ("//")');
    if (segment === '.' || segment === '..') throw new StorageKeyError(key, 'no "." or ".." segment');
  }
  return key;
}

/** Checks that a list prefix is empty or could start a valid key (no leading `/`, `..`, control chars…). */
export function validatePrefix(prefix: string): string {
  if (prefix === '') return prefix;
  // A prefix is a key cut anywhere: validate it with a stand-in last segment appended.
  const probe = prefix.endsWith('/') ? `${prefix}x` : prefix;
  try {
    validateKey(probe);
  } catch (error) {
    if (error instanceof StorageKeyError)
      throw new StorageKeyError(prefix, `a key prefix: ${error.expected}`);
    throw error;
  }
  return prefix;
}

/** Checks `list` options and applies the default limit (1000). */
export function validateListOptions(opts: ListOptions = {}): { limit: number; after: string | undefined } {
  const limit = opts.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new StorageArgumentError('limit', 'a whole number from 1 to 1000', limit);
  return { limit, after: opts.after === '' ? undefined : opts.after };
}

/** @throws StorageArgumentError unless `seconds` is a whole number from 1 s to 7 days (the R2 limit). */
export function validateExpiry(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < MIN_EXPIRY_SECONDS || seconds > MAX_EXPIRY_SECONDS)
    throw new StorageArgumentError(
      'expiresInSeconds',
      `a whole number of seconds from ${MIN_EXPIRY_SECONDS} to ${MAX_EXPIRY_SECONDS} (7 days)`,
      seconds,
    );
  return seconds;
}

/** @throws StorageArgumentError unless `n` is a whole number from 1 to 10000. */
export function validatePartNumber(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARTS)
    throw new StorageArgumentError('partNumber', `a whole number from 1 to ${MAX_PARTS}`, n);
  return n;
}

/** @throws StorageArgumentError unless `bytes` is a whole number from 0 to `max`. */
export function validateLength(field: string, bytes: number, max = MAX_PUT_SIZE): number {
  if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > max)
    throw new StorageArgumentError(field, `a whole number of bytes from 0 to ${max}`, bytes);
  return bytes;
}

/** Upload IDs are opaque (each backend checks its own format further); they must at least be sane text. */
export function validateUploadId(uploadId: string): string {
  if (
    typeof uploadId !== 'string' ||
    uploadId.length === 0 ||
    uploadId.length > 1024 ||
    CONTROL.test(uploadId)
  )
    throw new StorageArgumentError('uploadId', 'an upload ID returned by createMultipart', uploadId);
  return uploadId;
}

/**
 * Checks the part list given to `completeMultipart`: non-empty, part numbers valid and strictly ascending.
 * @throws StorageArgumentError for a bad part number, StorageMultipartError for an empty or unordered list.
 */
export function validateCompletedParts(parts: readonly { partNumber: number; etag: string }[]): void {
  if (parts.length === 0) throw new StorageMultipartError('parts: expected at least one part to complete');
  let previous = 0;
  for (const part of parts) {
    validatePartNumber(part.partNumber);
    if (part.partNumber <= previous)
      throw new StorageMultipartError(
        `parts: expected strictly ascending part numbers, got ${part.partNumber} after ${previous}`,
      );
    if (typeof part.etag !== 'string' || part.etag === '')
      throw new StorageMultipartError(`part ${part.partNumber}: expected the ETag its upload answered`);
    previous = part.partNumber;
  }
}

/**
 * Checks part sizes as R2 does at completion: every part but the last from 5 MiB to 5 GiB and all of
 * them the same size; the last part at most 5 GiB.
 * @throws StorageMultipartError naming the first offending part.
 */
export function validatePartSizes(parts: readonly { partNumber: number; size: number }[]): void {
  const first = parts[0];
  parts.forEach((part, i) => {
    if (part.size > MAX_PART_SIZE)
      throw new StorageMultipartError(`part ${part.partNumber}: ${part.size} bytes, more than 5 GiB`);
    if (i === parts.length - 1 || !first) return;
    if (part.size < MIN_PART_SIZE)
      throw new StorageMultipartError(
        `part ${part.partNumber}: ${part.size} bytes; every part but the last needs at least 5 MiB`,
      );
    if (part.size !== first.size)
      throw new StorageMultipartError(
        `part ${part.partNumber}: ${part.size} bytes; every part but the last must have the same size ` +
          `(part ${first.partNumber} has ${first.size})`,
      );
  });
}
