import { type FileHandle, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { contentDisposition } from '../content-disposition.js';
import { StorageKeyError, StorageNotFoundError } from '../errors.js';
import {
  type ListOptions,
  type ListResult,
  MAX_PUT_SIZE,
  type ObjectInfo,
  type ObjectStorage,
  type PresignGetOptions,
  type PresignPutOptions,
  type UploadedPart,
} from '../storage.js';
import {
  validateExpiry,
  validateKey,
  validateLength,
  validateListOptions,
  validatePartNumber,
  validatePrefix,
} from '../validate.js';
import {
  commitWithSidecar,
  isCode,
  isMissing,
  quoteEtag,
  readSidecar,
  type TempFile,
  writeTemp,
} from './files.js';
import { listTree } from './list.js';
import { moveLocal } from './move.js';
import { LocalMultipart, validateLocalUploadId } from './multipart.js';
import { grantUrl, loadOrCreateKey, type UrlGrant, verifyGrant } from './signing.js';
import { type SweepOptions, sweepLocalStorage } from './sweep.js';

export interface LocalStorageOptions {
  /** Storage folder, normally `<PODPILOT_HOME>/storage`: objects in `objects/<key>`, sidecars in `meta/<key>`. */
  root: string;
  /** HMAC key file, normally `<PODPILOT_HOME>/keys/storage-url.key`; created (0600) on first use. */
  keyFile: string;
  /** The hub's base URL as clients reach it (`http://host:port`); a function because the port is known late. */
  baseUrl: () => string;
  /** Clock in milliseconds; tests move it. */
  now?: () => number;
}

/** Outcome of checking a signed URL. */
export type GrantCheck = 'ok' | 'bad-signature' | 'expired';

/**
 * `ObjectStorage` in a folder on this machine, for the zero-set-up hub. Presigned URLs point at the hub
 * itself (`/storage/v1/object`, `/storage/v1/part`, see `registerLocalStorageRoutes`) and carry an
 * HMAC-SHA256 signature over everything they grant plus an expiry. Every write goes to a temp file first
 * and is renamed into place, so readers see a whole old or a whole new object.
 *
 * Keys map to file paths, so one key cannot also be a "folder" of others here (`a` and `a/b`; S3 allows it):
 * such a put throws `StorageKeyError`. The hub's key scheme never needs it.
 */
export class LocalStorage implements ObjectStorage {
  readonly kind = 'local' as const;
  readonly #root: string;
  readonly #objects: string;
  readonly #meta: string;
  readonly #tmp: string;
  readonly #multipart: LocalMultipart;
  readonly #keyFile: string;
  readonly #baseUrl: () => string;
  readonly #now: () => number;
  #key: Promise<Buffer> | undefined;

  constructor(options: LocalStorageOptions) {
    this.#root = options.root;
    this.#objects = join(options.root, 'objects');
    this.#meta = join(options.root, 'meta');
    this.#tmp = join(options.root, '.tmp');
    this.#multipart = new LocalMultipart(join(options.root, '.multipart'), this.#tmp);
    this.#keyFile = options.keyFile;
    this.#baseUrl = options.baseUrl;
    this.#now = options.now ?? Date.now;
  }

  async presignGet(key: string, opts: PresignGetOptions): Promise<string> {
    validateKey(key);
    if (opts.downloadName !== undefined) contentDisposition(opts.downloadName); // validates the name
    const { downloadName, contentType } = opts;
    const named = downloadName === undefined ? {} : { downloadName };
    const typed = contentType === undefined ? {} : { contentType };
    return this.#url({ op: 'get', key, exp: this.#expiry(opts.expiresInSeconds), ...named, ...typed });
  }

  async presignPut(key: string, opts: PresignPutOptions): Promise<string> {
    validateKey(key);
    if (opts.contentLength !== undefined) validateLength('contentLength', opts.contentLength);
    return this.#url({
      op: 'put',
      key,
      exp: this.#expiry(opts.expiresInSeconds),
      ...(opts.contentLength === undefined ? {} : { contentLength: opts.contentLength }),
      ...(opts.contentType === undefined ? {} : { contentType: opts.contentType }),
    });
  }

  async presignPart(
    key: string,
    uploadId: string,
    partNumber: number,
    opts: { expiresInSeconds: number },
  ): Promise<string> {
    validateKey(key);
    validateLocalUploadId(uploadId);
    validatePartNumber(partNumber);
    return this.#url({ op: 'part', key, uploadId, partNumber, exp: this.#expiry(opts.expiresInSeconds) });
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const opened = await this.openForRead(key);
    if (!opened) return null;
    await opened.handle.close();
    return opened.info;
  }

  /** A Node `Readable` over the file (opened first, so a concurrent replace does not affect it). */
  async get(key: string): Promise<Readable> {
    const opened = await this.openForRead(key);
    if (!opened) throw new StorageNotFoundError(key);
    return opened.handle.createReadStream();
  }

  async put(
    key: string,
    body: Buffer | Readable,
    opts: { contentType?: string; contentLength?: number } = {},
  ): Promise<{ etag: string }> {
    return this.receiveObject(key, body, opts);
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    for (const path of [join(this.#objects, key), join(this.#meta, key)]) {
      try {
        await unlink(path);
      } catch (error) {
        // Missing, or a folder of other keys (then there is no object by this name): nothing to delete.
        if (!isMissing(error) && !isCode(error, 'EISDIR', 'EPERM')) throw error;
      }
    }
  }

  async move(from: string, to: string, opts: { contentType?: string } = {}): Promise<{ etag: string }> {
    validateKey(from);
    validateKey(to);
    const dirs = { objects: this.#objects, meta: this.#meta, tmp: this.#tmp };
    return moveLocal(dirs, from, to, opts.contentType);
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    validatePrefix(prefix);
    const { limit, after } = validateListOptions(opts);
    const keys = await listTree(this.#objects, prefix, limit + 1, after);
    if (keys.length <= limit) return { keys };
    const page = keys.slice(0, limit);
    return { keys: page, next: page[page.length - 1]?.key ?? '' };
  }

  async createMultipart(key: string, opts: { contentType?: string } = {}): Promise<string> {
    validateKey(key);
    return this.#multipart.create(key, opts.contentType);
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    validateKey(key);
    return this.#multipart.list(key, uploadId);
  }

  async completeMultipart(
    key: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
  ): Promise<{ etag: string }> {
    validateKey(key);
    return this.#multipart.complete(key, uploadId, parts, (temp, meta) => this.#commit(key, temp, meta));
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    validateKey(key);
    await this.#multipart.abort(validateLocalUploadId(uploadId));
  }

  /** Removes stale temp files (default > 1 day) and unfinished uploads (default > 7 days, like R2). */
  sweep(options?: SweepOptions): Promise<{ temps: number; uploads: number }> {
    return sweepLocalStorage(this.#root, this.#now(), options);
  }

  // ---- used by the HTTP routes (routes.ts) ----

  /** Checks a URL's grant: signature first (constant time), then expiry. */
  async checkGrant(grant: UrlGrant, signature: string): Promise<GrantCheck> {
    if (!verifyGrant(await this.#signingKey(), grant, signature)) return 'bad-signature';
    return this.#now() > grant.exp * 1000 ? 'expired' : 'ok';
  }

  /** Opens the object for reading with its info, or null when absent. The caller closes the handle. */
  async openForRead(key: string): Promise<{ info: ObjectInfo; handle: FileHandle } | null> {
    validateKey(key);
    const path = join(this.#objects, key);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (isMissing(error) || isCode(error, 'EISDIR')) return null;
      throw error;
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) {
        await handle.close();
        return null;
      }
      const meta = await readSidecar(path, stats, join(this.#meta, key), this.#tmp);
      const info: ObjectInfo = {
        size: stats.size,
        etag: meta.etag,
        lastModified: stats.mtime,
        ...(meta.contentType ? { contentType: meta.contentType } : {}),
      };
      return { info, handle };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Writes an object from a stream or buffer; with `contentLength`, the body must be exactly that long. */
  async receiveObject(
    key: string,
    body: Buffer | Readable,
    opts: { contentType?: string; contentLength?: number } = {},
  ): Promise<{ etag: string }> {
    validateKey(key);
    if (opts.contentLength !== undefined) validateLength('contentLength', opts.contentLength);
    const temp = await writeTemp(this.#tmp, body, {
      maxLength: MAX_PUT_SIZE,
      field: 'Content-Length',
      ...(opts.contentLength === undefined ? {} : { expectedLength: opts.contentLength }),
    });
    const etag = quoteEtag(temp.md5.toString('hex'));
    await this.#commit(key, temp, { etag, ...(opts.contentType ? { contentType: opts.contentType } : {}) });
    return { etag };
  }

  /** Stores one multipart part; see `LocalMultipart.receivePart`. */
  async receivePart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Buffer | Readable,
    contentLength?: number,
  ): Promise<string> {
    validateKey(key);
    validatePartNumber(partNumber);
    return this.#multipart.receivePart(key, uploadId, partNumber, body, contentLength);
  }

  async #commit(key: string, temp: TempFile, meta: { etag: string; contentType?: string }): Promise<void> {
    try {
      await commitWithSidecar(temp, join(this.#objects, key), join(this.#meta, key), meta, this.#tmp);
    } catch (error) {
      if (isCode(error, 'ENOTDIR', 'EEXIST', 'EISDIR'))
        throw new StorageKeyError(
          key,
          'a key that is neither inside another key nor a prefix-folder of other keys ' +
            '(the local store keeps keys as file paths: "a" and "a/b" cannot both exist)',
        );
      throw error;
    }
  }

  #expiry(expiresInSeconds: number): number {
    // Round up so the URL lives at least the asked time.
    return Math.ceil(this.#now() / 1000) + validateExpiry(expiresInSeconds);
  }

  async #url(grant: UrlGrant): Promise<string> {
    return grantUrl(this.#baseUrl(), await this.#signingKey(), grant);
  }

  #signingKey(): Promise<Buffer> {
    this.#key ??= loadOrCreateKey(this.#keyFile).catch((error: unknown) => {
      this.#key = undefined; // retry next time (e.g. the folder became writable)
      throw error;
    });
    return this.#key;
  }
}
