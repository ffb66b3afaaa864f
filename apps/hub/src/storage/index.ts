import { LocalStorage } from './local/local-storage.js';
import { S3Storage } from './s3/s3-storage.js';
import type { StorageConfig } from './settings.js';
import type { ObjectStorage } from './storage.js';

export { contentDisposition } from './content-disposition.js';
export {
  StorageArgumentError,
  StorageError,
  StorageKeyError,
  StorageMultipartError,
  StorageNotFoundError,
  StorageUploadNotFoundError,
} from './errors.js';
export { type GrantCheck, LocalStorage, type LocalStorageOptions } from './local/local-storage.js';
export { registerLocalStorageRoutes } from './local/routes.js';
export { loadOrCreateKey } from './local/signing.js';
export type { SweepOptions } from './local/sweep.js';
export { S3Storage, type S3StorageConfig } from './s3/s3-storage.js';
export { STORAGE_SETTINGS, type StorageConfig, type StorageSettings, storageConfigFrom } from './settings.js';
export {
  choosePartSize,
  type ListedObject,
  type ListOptions,
  type ListResult,
  MAX_EXPIRY_SECONDS,
  MAX_KEY_BYTES,
  MAX_PART_SIZE,
  MAX_PARTS,
  MAX_PUT_SIZE,
  MIN_EXPIRY_SECONDS,
  MIN_PART_SIZE,
  type ObjectInfo,
  type ObjectStorage,
  type PresignGetOptions,
  type PresignPutOptions,
  type UploadedPart,
} from './storage.js';
export { validateKey, validatePrefix } from './validate.js';

/**
 * Opens the configured storage. Nothing touches the disk or the network here: the local backend creates
 * its folders and URL key on first use, the S3 client connects on first request.
 * @param opts.baseUrl the hub's URL as agents and browsers reach it (local backend only; read per URL).
 */
export function createStorage(config: StorageConfig, opts: { baseUrl: () => string }): ObjectStorage {
  if (config.kind === 'local')
    return new LocalStorage({ root: config.root, keyFile: config.keyFile, baseUrl: opts.baseUrl });
  return new S3Storage({
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    region: config.region,
    bucket: config.bucket,
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    forcePathStyle: config.forcePathStyle,
  });
}
