import * as z from 'zod';
import { StorageKey } from '../profile/profile-values.js';

/** Prefix of every owner file in storage: a file pushed as `cfg/x.json` lives under `files/cfg/x.json`. */
export const FILES_PREFIX = 'files/';

/**
 * Largest file one upload may carry: what one presigned PUT takes on R2 (5 GiB − 5 MiB). Bigger files are
 * models and belong in the model library, which uploads in parts.
 */
export const MAX_FILE_SIZE = 5 * 1024 * 1024 * 1024 - 5 * 1024 * 1024;

/** The storage key of an owner file pushed as `path`. */
export const fileStorageKey = (path: string) => `${FILES_PREFIX}${path}`;

// The same segments as a profile's storage keys (`StorageKey`): each starts with a letter, digit or `_`,
// so `.`, `..` and hidden names can never be one.
const FILE_PATH_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;
const FILE_PATH_EXPECTED =
  'expected a relative path such as cfg/settings.json: segments of letters, digits, ".", "_" or "-" joined by "/", each starting with a letter, digit or "_" (no "..", no leading or trailing "/")';

/** Where a pushed file lives under `files/`; at most 1000 characters so the whole key stays within 1024. */
export const FilePathInStorage = z
  .string({ error: FILE_PATH_EXPECTED })
  .max(1000, 'expected a path of at most 1000 characters')
  .regex(FILE_PATH_PATTERN, FILE_PATH_EXPECTED);

/** `POST /api/files/uploads`: a presigned PUT for one file of exactly `sizeBytes` bytes. */
export const StartFileUploadRequest = z.object({
  path: FilePathInStorage,
  sizeBytes: z
    .number({ error: 'expected the file size as a whole number of bytes' })
    .int('expected the file size as a whole number of bytes')
    .min(0, 'expected the file size in bytes (0 or more)')
    .max(
      MAX_FILE_SIZE,
      `expected at most ${MAX_FILE_SIZE} bytes (5 GiB − 5 MiB, one upload); push bigger files as models`,
    ),
});
export type StartFileUploadRequest = z.infer<typeof StartFileUploadRequest>;

export const StartFileUploadResponse = z.object({
  /** `files/<path>`: reference it from a profile as `files: [{ path: …, storage: <key> }]`. */
  key: z.string(),
  /** PUT the bytes here with exactly `sizeBytes` as `Content-Length`, before `expiresAt`. */
  url: z.string(),
  expiresAt: z.iso.datetime(),
});
export type StartFileUploadResponse = z.infer<typeof StartFileUploadResponse>;

export const FileSummary = z.object({
  key: z.string(),
  sizeBytes: z.number().int(),
  updatedAt: z.iso.datetime(),
});
export type FileSummary = z.infer<typeof FileSummary>;

/** `GET /api/files`: every object under `files/`, by key. */
export const ListFilesResponse = z.object({ files: z.array(FileSummary) });
export type ListFilesResponse = z.infer<typeof ListFilesResponse>;

/**
 * `POST /agent/v1/files/urls`: download URLs for storage-backed `files[]` of the instance's own profile.
 * Every key must be a `files[].storage` of that profile (403 otherwise) and exist in storage (404 otherwise).
 */
export const FileUrlsRequest = z.object({
  keys: z
    .array(StorageKey)
    .min(1, 'expected at least one storage key')
    .max(1000, 'expected at most 1000 keys per request'),
});
export type FileUrlsRequest = z.infer<typeof FileUrlsRequest>;

export const FileUrlsResponse = z.object({
  /** A presigned GET URL by storage key, one for every requested key. */
  urls: z.record(z.string(), z.string()),
  expiresAt: z.iso.datetime(),
});
export type FileUrlsResponse = z.infer<typeof FileUrlsResponse>;
