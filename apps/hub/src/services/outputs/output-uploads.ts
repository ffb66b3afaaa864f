import type {
  ConfirmOutputsRequest,
  ConfirmOutputsResponse,
  OutputFile,
  OutputUploadPlan,
  PresignOutputsResponse,
  PresignPartsResponse,
} from '@podpilot/common';
import pLimit from 'p-limit';
import type { Db } from '../../db/db.js';
import { conflict, forbidden, HttpError, notFound } from '../../lib/http-error.js';
import type { OutputsRepository, PendingUpload } from '../../repositories/outputs.repository.js';
import {
  choosePartSize,
  MAX_KEY_BYTES,
  type ObjectStorage,
  StorageMultipartError,
  StorageUploadNotFoundError,
} from '../../storage/index.js';
import { MAX_THUMBNAIL_SOURCE_BYTES, type OutputDerivations } from './output-derivations.js';
import { contentTypeOf, outputKey, THUMBNAILED } from './output-keys.js';

const MiB = 1024 * 1024;
/** Files up to this size go up in one PUT; bigger ones in parts. */
export const MULTIPART_THRESHOLD_BYTES = 64 * MiB;
/** As for models: few requests for big videos, parallelism for a few hundred MiB. */
export const PREFERRED_PART_SIZE = 16 * MiB;
const UPLOAD_URL_TTL_SECONDS = 3600;
/** Storage calls (signing, checks) of one presign or confirm batch in flight at once. */
const STORAGE_PARALLEL = 16;

type ConfirmedFile = ConfirmOutputsRequest['files'][number];

/** An output already indexed, as a repeated confirm finds it. */
interface StoredOutput {
  id: string;
  sha256: string;
}

const badRequest = (path: string, message: string) =>
  new HttpError(400, 'invalid_request', `${path}: ${message}`, [{ path, message }]);

/**
 * The agent side of the output index: plans uploads (presigned PUTs or multipart uploads scoped to the
 * instance's own prefix), signs parts, and confirms uploaded files into the index, queueing their
 * thumbnails and metadata.
 */
export class OutputUploads {
  constructor(
    private readonly db: Db,
    private readonly storage: ObjectStorage,
    private readonly outputs: OutputsRepository,
    private readonly derivations: OutputDerivations,
    private readonly multipartThreshold: number,
    private readonly preferredPartSize: number,
  ) {}

  /**
   * Plans the upload of each file, in request order: `indexed` when the latest indexed version of its path
   * has its sha256; otherwise the next version with a PUT URL or a multipart upload. Idempotent: the same
   * (path, sha256) gets the same version, key and multipart upload until it is confirmed.
   */
  async presign(instanceId: string, files: OutputFile[]): Promise<PresignOutputsResponse> {
    files.forEach((file, i) => {
      const bytes = Buffer.byteLength(outputKey(instanceId, file.path, 99_999), 'utf8');
      if (bytes > MAX_KEY_BYTES)
        throw badRequest(
          `files[${i}].path`,
          `expected a shorter path: its storage key would have ${bytes} bytes, at most ${MAX_KEY_BYTES} fit`,
        );
    });
    type Reserved = { file: OutputFile; pending: PendingUpload; staleUploadId: string | null };
    // A constant number of queries per batch, whatever its size: the instance lock, what is indexed and
    // reserved for its paths, the reservations of its (path, sha256) pairs, then one insert of the new
    // reservations (and one update of resized ones, rarely). Versions are decided here in request order.
    const decided = await this.db.transaction(async (tx) => {
      if (!(await this.outputs.lockInstance(instanceId, tx))) throw notFound(`instance ${instanceId}`);
      const paths = files.map((f) => f.path);
      const versions = await this.outputs.versionsOf(instanceId, paths, tx);
      const found = await this.outputs.findPendingMany(
        instanceId,
        paths,
        files.map((f) => f.sha256),
        tx,
      );
      const pairKey = (path: string, sha256: string) => `${sha256}:${path}`;
      /** Reservations by (path, sha256), as they stand after the files decided so far. */
      const reserved = new Map(found.map((p) => [pairKey(p.path, p.sha256), p]));
      /** The highest version reserved per path, counting this batch's reservations. */
      const maxPending = new Map([...versions].map(([path, v]) => [path, v.maxPending]));
      const created = new Map<string, PendingUpload>();
      const resized = new Map<string, number>();
      const out: ({ indexed: number } | Reserved)[] = [];
      for (const file of files) {
        const latest = versions.get(file.path)?.latest ?? null;
        if (latest?.sha256 === file.sha256) {
          out.push({ indexed: latest.version });
          continue;
        }
        const key = pairKey(file.path, file.sha256);
        const pending = reserved.get(key);
        if (pending) {
          if (pending.sizeBytes === file.sizeBytes) {
            out.push({ file, pending, staleUploadId: null });
          } else {
            const now = { ...pending, sizeBytes: file.sizeBytes, uploadId: null, partSize: null };
            reserved.set(key, now);
            // A reservation of this batch is inserted with its final size; an older one is updated.
            if (created.has(now.storageKey)) created.set(now.storageKey, now);
            else resized.set(now.storageKey, file.sizeBytes);
            out.push({ file, pending: now, staleUploadId: pending.uploadId });
          }
          continue;
        }
        const version = Math.max(latest?.version ?? 0, maxPending.get(file.path) ?? 0) + 1;
        const reservation: PendingUpload = {
          instanceId,
          path: file.path,
          sha256: file.sha256,
          sizeBytes: file.sizeBytes,
          version,
          storageKey: outputKey(instanceId, file.path, version),
          uploadId: null,
          partSize: null,
        };
        reserved.set(key, reservation);
        maxPending.set(file.path, version);
        created.set(reservation.storageKey, reservation);
        out.push({ file, pending: reservation, staleUploadId: null });
      }
      await this.outputs.insertPendingMany(instanceId, [...created.values()], tx);
      await this.outputs.resizePendingMany(
        [...resized].map(([storageKey, sizeBytes]) => ({ storageKey, sizeBytes })),
        tx,
      );
      return out;
    });

    // URLs are signed side by side (multipart uploads may ask the store), in request order in the answer.
    const limit = pLimit(STORAGE_PARALLEL);
    const plans = await Promise.all(
      decided.map((entry, i) =>
        limit(async (): Promise<OutputUploadPlan> => {
          const path = (files[i] as OutputFile).path;
          if ('indexed' in entry) return { path, status: 'indexed', version: entry.indexed };
          const { file, pending, staleUploadId } = entry;
          if (staleUploadId)
            await this.storage.abortMultipart(pending.storageKey, staleUploadId).catch(() => {});
          const { storageKey: key, version } = pending;
          if (file.sizeBytes <= this.multipartThreshold) {
            const url = await this.storage.presignPut(key, {
              expiresInSeconds: UPLOAD_URL_TTL_SECONDS,
              contentLength: file.sizeBytes,
            });
            return { path, status: 'put', key, version, url };
          }
          const { uploadId, partSize } = await this.multipartUpload(pending);
          return {
            path,
            status: 'multipart',
            key,
            version,
            uploadId,
            partSize,
            partCount: Math.max(1, Math.ceil(file.sizeBytes / partSize)),
          };
        }),
      ),
    );
    return { files: plans, expiresAt: new Date(Date.now() + UPLOAD_URL_TTL_SECONDS * 1000).toISOString() };
  }

  /** The reservation's multipart upload: the one under way when the store still has it, else a new one. */
  private async multipartUpload(pending: PendingUpload): Promise<{ uploadId: string; partSize: number }> {
    const key = pending.storageKey;
    if (pending.uploadId && pending.partSize) {
      const alive = await this.storage.listParts(key, pending.uploadId).then(
        () => true,
        () => false,
      );
      if (alive) return { uploadId: pending.uploadId, partSize: pending.partSize };
    }
    const partSize = choosePartSize(pending.sizeBytes, this.preferredPartSize);
    const contentType = contentTypeOf(pending.path);
    const created = await this.storage.createMultipart(key, contentType ? { contentType } : {});
    const current = await this.outputs.setPendingUpload(key, pending.uploadId, {
      uploadId: created,
      partSize,
    });
    if (current?.uploadId === created) return { uploadId: created, partSize };
    // Another presign of the same file won the race (or the file was confirmed meanwhile): use its upload.
    await this.storage.abortMultipart(key, created).catch(() => {});
    if (current?.uploadId && current.partSize)
      return { uploadId: current.uploadId, partSize: current.partSize };
    throw conflict(`${pending.path}: the upload changed while it was being planned; presign again`);
  }

  /** Presigned PUT URLs for parts of a multipart upload the hub handed out to this instance. */
  async presignParts(
    instanceId: string,
    key: string,
    uploadId: string,
    partNumbers: number[],
  ): Promise<PresignPartsResponse> {
    if (!key.startsWith(`outputs/${instanceId}/`))
      throw forbidden(`key: ${key} is not under this instance's output prefix outputs/${instanceId}/`);
    const pending = await this.outputs.findPendingByKey(instanceId, key);
    if (!pending || pending.uploadId !== uploadId || !pending.partSize)
      throw conflict(
        `uploadId: no multipart upload ${uploadId} is under way for ${key}; presign the file again`,
      );
    const partCount = Math.max(1, Math.ceil(pending.sizeBytes / pending.partSize));
    const beyond = partNumbers.find((n) => n > partCount);
    if (beyond) throw badRequest('partNumbers', `part ${beyond} is past the last part (${partCount})`);
    const parts = await Promise.all(
      partNumbers.map(async (partNumber) => ({
        partNumber,
        url: await this.storage.presignPart(key, uploadId, partNumber, {
          expiresInSeconds: UPLOAD_URL_TTL_SECONDS,
        }),
      })),
    );
    return { parts, expiresAt: new Date(Date.now() + UPLOAD_URL_TTL_SECONDS * 1000).toISOString() };
  }

  /**
   * Records uploaded files in the index, in request order: completes a multipart upload when its parts are
   * given, checks the stored object's size (409 naming the path), inserts the row (idempotent: a second
   * confirm answers the same id). Thumbnails and PNG metadata follow in the background.
   */
  async confirm(instanceId: string, files: ConfirmOutputsRequest['files']): Promise<ConfirmOutputsResponse> {
    const prefix = `outputs/${instanceId}/`;
    files.forEach((file, i) => {
      if (!file.key.startsWith(prefix))
        throw forbidden(`files[${i}].key: ${file.key} is not under this instance's output prefix ${prefix}`);
      const expected = outputKey(instanceId, file.path, file.version);
      if (file.key !== expected)
        throw badRequest(
          `files[${i}].key`,
          `expected ${expected} for version ${file.version} of ${file.path}, got ${file.key}`,
        );
    });
    // A constant number of queries per batch: one for the versions indexed already (a repeated confirm),
    // then, after the storage checks, one insert of the new rows (one more select only when a concurrent
    // confirm got there first) and one delete of their reservations.
    const already = new Map(
      (await this.outputs.findVersions(instanceId, files)).map((r) => [`${r.version}:${r.path}`, r]),
    );
    const place = (file: { path: string; version: number }) => `${file.version}:${file.path}`;
    const mismatch = (i: number, file: ConfirmedFile) =>
      conflict(
        `files[${i}]: version ${file.version} of ${file.path} is already indexed with another sha256; presign it again`,
      );
    // Storage checks run side by side (a HEAD each, a completion for multipart files): a batch of 200
    // small files would otherwise wait for 200 round trips in a row. The first problem in request order
    // is the one reported.
    const limit = pLimit(STORAGE_PARALLEL);
    const checked = await Promise.allSettled(
      files.map(async (file, i): Promise<StoredOutput | null> => {
        const known = already.get(place(file));
        if (!known) return limit(() => this.checkStored(i, file));
        if (known.sha256 !== file.sha256) throw mismatch(i, file);
        return known;
      }),
    );
    const failed = checked.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const existing = checked.map((r) => (r as PromiseFulfilledResult<StoredOutput | null>).value);
    // Each new (path, version) is inserted once; a repeat of it in the batch answers the same row.
    const fresh = new Map<string, ConfirmedFile>();
    files.forEach((file, i) => {
      if (!existing[i] && !fresh.has(place(file))) fresh.set(place(file), file);
    });
    const rows = await this.db.transaction(async (tx) => {
      const toInsert = [...fresh.values()];
      const placed = await this.outputs.insertMany(
        instanceId,
        toInsert.map((file) => ({
          path: file.path,
          version: file.version,
          sizeBytes: file.sizeBytes,
          sha256: file.sha256,
          mtime: file.mtime,
          storageKey: file.key,
          contentType: contentTypeOf(file.path),
          searchText: file.path.toLowerCase(),
        })),
        tx,
      );
      const byPlace = new Map(placed.map((r) => [place(r), r]));
      const out: { id: string; inserted: boolean }[] = [];
      for (const [i, file] of files.entries()) {
        const known = existing[i];
        if (known) {
          out.push({ id: known.id, inserted: false });
          continue;
        }
        const row = byPlace.get(place(file)) as { id: string; sha256: string; inserted: boolean };
        if (row.sha256 !== file.sha256) throw mismatch(i, file);
        // Only the first file at a place inserted it; a repeat is not derived twice.
        out.push({ id: row.id, inserted: row.inserted && fresh.get(place(file)) === file });
      }
      await this.outputs.deletePendingMany(
        toInsert.map((file) => file.key),
        tx,
      );
      return out;
    });
    const confirmed: ConfirmOutputsResponse['confirmed'] = [];
    for (const [i, file] of files.entries()) {
      const row = rows[i] as { id: string; inserted: boolean };
      confirmed.push({ path: file.path, version: file.version, id: row.id });
      const contentType = contentTypeOf(file.path);
      if (
        row.inserted &&
        contentType &&
        THUMBNAILED.has(contentType) &&
        file.sizeBytes <= MAX_THUMBNAIL_SOURCE_BYTES
      )
        this.derivations.enqueue(row.id);
    }
    return { confirmed };
  }

  /**
   * Verifies a file not yet indexed in storage (its multipart upload completed, its size as claimed).
   * Throws 409 otherwise.
   */
  private async checkStored(i: number, file: ConfirmedFile): Promise<null> {
    if (file.uploadId && file.parts?.length) await this.completeParts(i, file);
    const stored = await this.storage.head(file.key);
    if (!stored)
      throw conflict(
        `files[${i}].key: ${file.path} (version ${file.version}) is not in storage; upload it, then confirm`,
      );
    if (stored.size !== file.sizeBytes)
      throw conflict(
        `files[${i}].sizeBytes: ${file.path} (version ${file.version}) is stored with ${stored.size} bytes, ` +
          `expected ${file.sizeBytes}; upload it again`,
      );
    return null;
  }

  private async completeParts(i: number, file: ConfirmedFile): Promise<void> {
    const parts = [...(file.parts ?? [])].sort((a, b) => a.partNumber - b.partNumber);
    try {
      await this.storage.completeMultipart(file.key, file.uploadId as string, parts);
    } catch (error) {
      // Completed by an earlier confirm whose answer was lost: the object is checked below.
      if (error instanceof StorageUploadNotFoundError) return;
      if (error instanceof StorageMultipartError)
        throw conflict(`files[${i}].parts: ${file.path} (version ${file.version}): ${error.message}`);
      throw error;
    }
  }
}
