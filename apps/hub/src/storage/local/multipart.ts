import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { StorageArgumentError, StorageMultipartError, StorageUploadNotFoundError } from '../errors.js';
import { MAX_PART_SIZE, MAX_PARTS, type UploadedPart } from '../storage.js';
import { validateCompletedParts, validatePartSizes } from '../validate.js';
import {
  commitWithSidecar,
  isMissing,
  quoteEtag,
  readSidecar,
  type TempFile,
  unquoteEtag,
  writeFileAtomic,
  writeTemp,
} from './files.js';

/** Local upload IDs: 128 random bits, hex. Anything else is refused before it touches a path. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;

interface UploadRecord {
  key: string;
  contentType?: string;
  created: string;
}

/** Checks the format of a local upload ID. @throws StorageArgumentError */
export function validateLocalUploadId(uploadId: string): string {
  if (!UPLOAD_ID.test(uploadId))
    throw new StorageArgumentError(
      'uploadId',
      'an upload ID returned by createMultipart (32 hex digits)',
      uploadId,
    );
  return uploadId;
}

/**
 * Multipart uploads staged on disk: `<dir>/<uploadId>/upload.json` names the key, each part is a file
 * `<dir>/<uploadId>/<partNumber>` with a `<partNumber>.json` sidecar (size, ETag). Completing streams the
 * parts in order into one temp file and hands it over to be committed as the object.
 */
export class LocalMultipart {
  constructor(
    private readonly dir: string,
    private readonly tmpDir: string,
  ) {}

  async create(key: string, contentType?: string): Promise<string> {
    const uploadId = randomBytes(16).toString('hex');
    await mkdir(join(this.dir, uploadId), { recursive: true });
    const record: UploadRecord = {
      key,
      created: new Date().toISOString(),
      ...(contentType ? { contentType } : {}),
    };
    await writeFileAtomic(join(this.dir, uploadId, 'upload.json'), JSON.stringify(record), this.tmpDir);
    return uploadId;
  }

  /**
   * Stores one part from a stream (any size up to 5 GiB, bounded memory), replacing an earlier upload of
   * the same part number, and returns its quoted ETag (MD5, as S3 answers).
   * @throws StorageUploadNotFoundError, StorageArgumentError (body longer/shorter than allowed).
   */
  async receivePart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable | Buffer,
    expectedLength?: number,
  ): Promise<string> {
    await this.record(key, uploadId);
    const temp = await writeTemp(this.tmpDir, body, {
      maxLength: MAX_PART_SIZE,
      field: 'Content-Length',
      ...(expectedLength === undefined ? {} : { expectedLength }),
    });
    const etag = quoteEtag(temp.md5.toString('hex'));
    const part = join(this.dir, uploadId, String(partNumber));
    await commitWithSidecar(temp, part, `${part}.json`, { etag }, this.tmpDir);
    return etag;
  }

  /** Parts held for the upload, ascending. @throws StorageUploadNotFoundError */
  async list(key: string, uploadId: string): Promise<UploadedPart[]> {
    await this.record(key, uploadId);
    const folder = join(this.dir, uploadId);
    const numbers = (await readdir(folder).catch(() => []))
      .filter((name) => /^[1-9]\d{0,4}$/.test(name) && Number(name) <= MAX_PARTS)
      .map(Number)
      .sort((a, b) => a - b);
    const parts: UploadedPart[] = [];
    for (const partNumber of numbers) {
      const path = join(folder, String(partNumber));
      const stats = await stat(path).catch(() => null);
      if (!stats?.isFile()) continue;
      const meta = await readSidecar(path, stats, `${path}.json`, this.tmpDir);
      parts.push({ partNumber, etag: meta.etag, size: stats.size });
    }
    return parts;
  }

  /**
   * Checks the parts (present, ETags match, R2 size rules), concatenates them in order into a temp file,
   * calls `commit` with it and the S3-style ETag (`"<md5 of the part MD5s>-N"`), then drops the upload.
   * @throws StorageUploadNotFoundError, StorageMultipartError.
   */
  async complete(
    key: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
    commit: (temp: TempFile, meta: { etag: string; contentType?: string }) => Promise<void>,
  ): Promise<{ etag: string }> {
    const record = await this.record(key, uploadId);
    validateCompletedParts(parts);
    const held = new Map((await this.list(key, uploadId)).map((p) => [p.partNumber, p]));
    const chosen = parts.map((wanted) => {
      const part = held.get(wanted.partNumber);
      if (!part) throw new StorageMultipartError(`part ${wanted.partNumber}: not uploaded (InvalidPart)`);
      if (unquoteEtag(part.etag) !== unquoteEtag(wanted.etag))
        throw new StorageMultipartError(
          `part ${wanted.partNumber}: ETag ${wanted.etag} does not match the stored part ${part.etag} (InvalidPart)`,
        );
      return part;
    });
    validatePartSizes(chosen);

    const md5s = createHash('md5');
    for (const part of chosen) md5s.update(Buffer.from(unquoteEtag(part.etag), 'hex'));
    const etag = quoteEtag(`${md5s.digest('hex')}-${chosen.length}`);
    const folder = join(this.dir, uploadId);
    // A part file changed under us shows up as a length mismatch; the source is closed on any failure.
    const source = Readable.from(concatFiles(chosen.map((p) => join(folder, String(p.partNumber)))));
    const temp = await writeTemp(this.tmpDir, source, {
      maxLength: MAX_PARTS * MAX_PART_SIZE,
      expectedLength: chosen.reduce((sum, p) => sum + p.size, 0),
      field: 'parts',
    }).finally(() => source.destroy());
    await commit(temp, { etag, ...(record.contentType ? { contentType: record.contentType } : {}) });
    await rm(folder, { recursive: true, force: true });
    return { etag };
  }

  /** Drops the upload and its parts; no error when it is already gone. */
  async abort(uploadId: string): Promise<void> {
    await rm(join(this.dir, uploadId), { recursive: true, force: true });
  }

  private async record(key: string, uploadId: string): Promise<UploadRecord> {
    validateLocalUploadId(uploadId);
    try {
      const record = JSON.parse(
        await readFile(join(this.dir, uploadId, 'upload.json'), 'utf8'),
      ) as UploadRecord;
      if (record.key === key) return record;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    throw new StorageUploadNotFoundError(key, uploadId);
  }
}

/** The files' bytes one after the other, read in 1 MiB chunks (bounded memory). */
async function* concatFiles(paths: string[]): AsyncGenerator<Buffer> {
  for (const path of paths) {
    const handle = await open(path, 'r');
    try {
      for await (const chunk of handle.createReadStream({ autoClose: false, highWaterMark: 1024 * 1024 }))
        yield chunk as Buffer;
    } finally {
      await handle.close();
    }
  }
}
