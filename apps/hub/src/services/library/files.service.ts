import {
  FILES_PREFIX,
  FilePathInStorage,
  type FileSummary,
  fileStorageKey,
  type StartFileUploadRequest,
  type StartFileUploadResponse,
} from '@podpilot/common';
import { iso } from '../../lib/dates.js';
import { HttpError } from '../../lib/http-error.js';
import { MAX_PUT_SIZE, type ObjectStorage } from '../../storage/index.js';

const UPLOAD_URL_TTL_SECONDS = 3600;

/**
 * The owner's files in storage, under `files/<path>`: config files and other small assets a profile
 * references as `files: [{ path, storage: files/<path> }]`. The bytes go straight to storage through a
 * presigned PUT; the hub keeps no record of its own, storage is the list.
 */
export class FilesService {
  constructor(private readonly storage: ObjectStorage) {}

  /** A presigned PUT for `files/<path>` that takes exactly `sizeBytes` bytes; a later push replaces the file. */
  async startUpload(req: StartFileUploadRequest): Promise<StartFileUploadResponse> {
    if (req.sizeBytes > MAX_PUT_SIZE)
      throw new HttpError(400, 'invalid_request', `sizeBytes: expected at most ${MAX_PUT_SIZE} bytes`, [
        { path: 'body.sizeBytes', message: `expected at most ${MAX_PUT_SIZE} bytes` },
      ]);
    const key = fileStorageKey(req.path);
    const url = await this.storage.presignPut(key, {
      expiresInSeconds: UPLOAD_URL_TTL_SECONDS,
      contentLength: req.sizeBytes,
    });
    return { key, url, expiresAt: new Date(Date.now() + UPLOAD_URL_TTL_SECONDS * 1000).toISOString() };
  }

  /** Every object under `files/`, in key order (all pages). */
  async list(): Promise<FileSummary[]> {
    const files: FileSummary[] = [];
    let after: string | undefined;
    do {
      const page = await this.storage.list(FILES_PREFIX, after ? { after } : {});
      for (const o of page.keys)
        files.push({ key: o.key, sizeBytes: o.size, updatedAt: iso(o.lastModified) });
      after = page.next;
    } while (after);
    return files;
  }

  /** Deletes `files/<path>`. Idempotent: no error when it does not exist. Throws 400 for a bad path. */
  async remove(path: string): Promise<void> {
    const parsed = FilePathInStorage.safeParse(path);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? 'expected a relative path';
      throw new HttpError(400, 'invalid_request', `path: ${message}`, [{ path: 'params.path', message }]);
    }
    await this.storage.delete(fileStorageKey(parsed.data));
  }
}
