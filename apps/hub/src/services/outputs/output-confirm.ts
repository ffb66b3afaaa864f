import type { ConfirmOutputsRequest, ConfirmOutputsResponse } from '@podpilot/common';
import pLimit from 'p-limit';
import type { Db } from '../../db/db.js';
import { conflict, forbidden } from '../../lib/http-error.js';
import type { OutputsRepository } from '../../repositories/outputs.repository.js';
import type { PendingOutputsRepository } from '../../repositories/pending-outputs.repository.js';
import {
  type ObjectStorage,
  StorageMultipartError,
  StorageUploadNotFoundError,
} from '../../storage/index.js';
import { MAX_THUMBNAIL_SOURCE_BYTES, type OutputDerivations } from './output-derivations.js';
import { contentTypeOf, outputKey, THUMBNAILED } from './output-keys.js';
import { badRequest, STORAGE_PARALLEL } from './output-upload-rules.js';

type ConfirmedFile = ConfirmOutputsRequest['files'][number];

/** An output already indexed, as a repeated confirm finds it. */
interface StoredOutput {
  id: string;
  sha256: string;
}

/** The index row of one confirmed file, and whether this confirm inserted it (only then is it derived). */
interface IndexedOutput {
  id: string;
  inserted: boolean;
}

/** Where a file sits in the index: one (path, version). */
const place = (file: { path: string; version: number }) => `${file.version}:${file.path}`;

const mismatch = (i: number, file: ConfirmedFile) =>
  conflict(
    `files[${i}]: version ${file.version} of ${file.path} is already indexed with another sha256; presign it again`,
  );

/** The index row of a confirmed file. */
const indexRow = (file: ConfirmedFile) => ({
  path: file.path,
  version: file.version,
  sizeBytes: file.sizeBytes,
  sha256: file.sha256,
  mtime: file.mtime,
  storageKey: file.key,
  contentType: contentTypeOf(file.path),
  searchText: file.path.toLowerCase(),
});

/** 403 for a key outside the instance's prefix, 400 for a key that is not the one of its path and version. */
function checkKeys(instanceId: string, files: ConfirmOutputsRequest['files']): void {
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
}

/**
 * The second half of an output upload: checks what the agent put in storage and records it in the index,
 * queueing thumbnails and metadata. A constant number of queries per batch: one for the versions indexed
 * already (a repeated confirm), then, after the storage checks, one insert of the new rows (one more select
 * only when a concurrent confirm got there first) and one delete of their reservations.
 */
export class OutputConfirm {
  constructor(
    private readonly db: Db,
    private readonly storage: ObjectStorage,
    private readonly outputs: OutputsRepository,
    private readonly pending: PendingOutputsRepository,
    private readonly derivations: OutputDerivations,
  ) {}

  /**
   * Records uploaded files in the index, in request order: completes a multipart upload when its parts are
   * given, checks the stored object's size (409 naming the path), inserts the row (idempotent: a second
   * confirm answers the same id). Thumbnails and PNG metadata follow in the background.
   */
  async confirm(instanceId: string, files: ConfirmOutputsRequest['files']): Promise<ConfirmOutputsResponse> {
    checkKeys(instanceId, files);
    const existing = await this.existing(instanceId, files);
    const rows = await this.index(instanceId, files, existing);
    const confirmed: ConfirmOutputsResponse['confirmed'] = [];
    for (const [i, file] of files.entries()) {
      const row = rows[i] as IndexedOutput;
      confirmed.push({ path: file.path, version: file.version, id: row.id });
      if (row.inserted) this.derive(row.id, file);
    }
    return { confirmed };
  }

  /**
   * Per file, the row a repeated confirm finds already indexed (409 when its sha256 differs), or null once
   * storage holds the file as claimed. Storage checks run side by side (a HEAD each, a completion for
   * multipart files): a batch of 200 small files would otherwise wait for 200 round trips in a row. The first
   * problem in request order is the one reported.
   */
  private async existing(
    instanceId: string,
    files: ConfirmOutputsRequest['files'],
  ): Promise<(StoredOutput | null)[]> {
    const already = new Map((await this.outputs.findVersions(instanceId, files)).map((r) => [place(r), r]));
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
    return checked.map((r) => (r as PromiseFulfilledResult<StoredOutput | null>).value);
  }

  /**
   * Inserts the files not indexed yet and forgets their reservations, in one transaction; answers each file's
   * row in request order. Each new (path, version) is inserted once; a repeat of it in the batch answers the
   * same row. 409 when a concurrent confirm indexed another sha256 at a place.
   */
  private index(
    instanceId: string,
    files: ConfirmOutputsRequest['files'],
    existing: (StoredOutput | null)[],
  ): Promise<IndexedOutput[]> {
    const fresh = new Map<string, ConfirmedFile>();
    files.forEach((file, i) => {
      if (!existing[i] && !fresh.has(place(file))) fresh.set(place(file), file);
    });
    return this.db.transaction(async (tx) => {
      const toInsert = [...fresh.values()];
      const placed = await this.outputs.insertMany(instanceId, toInsert.map(indexRow), tx);
      const byPlace = new Map(placed.map((r) => [place(r), r]));
      const out = files.map((file, i): IndexedOutput => {
        const known = existing[i];
        if (known) return { id: known.id, inserted: false };
        const row = byPlace.get(place(file)) as { id: string; sha256: string; inserted: boolean };
        if (row.sha256 !== file.sha256) throw mismatch(i, file);
        // Only the first file at a place inserted it; a repeat is not derived twice.
        return { id: row.id, inserted: row.inserted && fresh.get(place(file)) === file };
      });
      await this.pending.deleteMany(
        toInsert.map((file) => file.key),
        tx,
      );
      return out;
    });
  }

  /** Queues the thumbnail and metadata of a newly indexed image small enough to read. */
  private derive(outputId: string, file: ConfirmedFile): void {
    const contentType = contentTypeOf(file.path);
    if (contentType && THUMBNAILED.has(contentType) && file.sizeBytes <= MAX_THUMBNAIL_SOURCE_BYTES)
      this.derivations.enqueue(outputId);
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

  /** Completes the file's multipart upload from its parts; 409 when the store refuses the parts. */
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
