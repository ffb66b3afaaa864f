import type { ConfirmOutputsRequest, ConfirmOutputsResponse } from '@podpilot/common';
import pLimit from 'p-limit';
import type { Db } from '../../db/db.js';
import { conflict, forbidden } from '../../lib/http-error.js';
import type { OutputsRepository } from '../../repositories/outputs.repository.js';
import type {
  PendingOutputsRepository,
  PendingUpload,
} from '../../repositories/pending-outputs.repository.js';
import type { ObjectStorage } from '../../storage/index.js';
import { MAX_THUMBNAIL_SOURCE_BYTES, type OutputDerivations } from './output-derivations.js';
import { contentTypeOf, outputKey, pathProblems, stagingPrefix, THUMBNAILED } from './output-keys.js';
import { STORAGE_PARALLEL } from './output-upload-rules.js';
import { verifyUpload } from './output-verify.js';

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

/** The index row of a confirmed file: its original path, stored under its (maybe escaped) key. */
const indexRow = (instanceId: string, file: ConfirmedFile) => ({
  path: file.path,
  version: file.version,
  sizeBytes: file.sizeBytes,
  sha256: file.sha256,
  mtime: file.mtime,
  storageKey: outputKey(instanceId, file.path, file.version),
  contentType: contentTypeOf(file.path),
  searchText: file.path.toLowerCase(),
});

/** The warning event of a newly indexed file stored under an escaped key, or none. */
function escapedWarning(instanceId: string, file: ConfirmedFile) {
  const problems = pathProblems(file.path);
  if (!problems.length) return [];
  const key = outputKey(instanceId, file.path, file.version);
  return [
    {
      kind: 'output.escaped',
      message: `output ${JSON.stringify(file.path)} has ${problems.join(', ')}: stored as ${key}, listed under its own name`,
      data: { path: file.path, version: file.version, key, problems },
    },
  ];
}

/** 403 for a key outside the instance's staging prefix (final keys are never the agent's to name). */
function checkKeys(instanceId: string, files: ConfirmOutputsRequest['files']): void {
  const prefix = stagingPrefix(instanceId);
  files.forEach((file, i) => {
    if (!file.key.startsWith(prefix))
      throw forbidden(`files[${i}].key: ${file.key} is not an upload key of this instance (${prefix}…)`);
  });
}

/** 409 unless the file is the one its reservation was handed out for (same path, version, sha256, size). */
function checkReserved(i: number, file: ConfirmedFile, reserved: PendingUpload | undefined): void {
  if (
    reserved?.path === file.path &&
    reserved.version === file.version &&
    reserved.sha256 === file.sha256 &&
    Number(reserved.sizeBytes) === file.sizeBytes
  )
    return;
  throw conflict(
    `files[${i}].key: no upload of version ${file.version} of ${file.path} with this sha256 and size is under ` +
      `way at ${file.key}; presign it again`,
  );
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
   * Records uploaded files in the index, in request order: each file not indexed yet must be the one its
   * reservation was handed out for (409), and is moved from its staging key to its own and verified there
   * (size and sha256, see `verifyUpload`; 409 naming the field). Idempotent: a second confirm answers the
   * same id. Thumbnails and PNG metadata follow in the background.
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
   * its reservation matches and storage holds it verified. Storage checks run side by side: a batch of 200
   * small files would otherwise wait for 200 round trips in a row. The first problem in request order is the
   * one reported.
   */
  private async existing(
    instanceId: string,
    files: ConfirmOutputsRequest['files'],
  ): Promise<(StoredOutput | null)[]> {
    const already = new Map((await this.outputs.findVersions(instanceId, files)).map((r) => [place(r), r]));
    const unknown = files.filter((file) => !already.has(place(file))).map((file) => file.key);
    const reserved = new Map(
      unknown.length
        ? (await this.pending.findByKeys(instanceId, unknown)).map((p) => [p.storageKey, p])
        : [],
    );
    const limit = pLimit(STORAGE_PARALLEL);
    const checked = await Promise.allSettled(
      files.map(async (file, i): Promise<StoredOutput | null> => {
        const known = already.get(place(file));
        if (known) {
          if (known.sha256 !== file.sha256) throw mismatch(i, file);
          return known;
        }
        checkReserved(i, file, reserved.get(file.key));
        const finalKey = outputKey(instanceId, file.path, file.version);
        return limit(() => verifyUpload(this.storage, i, file, finalKey).then(() => null));
      }),
    );
    const failed = checked.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return checked.map((r) => (r as PromiseFulfilledResult<StoredOutput | null>).value);
  }

  /**
   * Inserts the files not indexed yet, with a warning event for each stored under an escaped key, and forgets
   * their reservations, in one transaction; answers each file's row in request order. Each new (path,
   * version) is inserted once; a repeat of it in the batch answers the same row. 409 when a concurrent confirm
   * indexed another sha256 at a place.
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
      const rows = toInsert.map((file) => indexRow(instanceId, file));
      const placed = await this.outputs.insertMany(instanceId, rows, tx);
      const byPlace = new Map(placed.map((r) => [place(r), r]));
      const out = files.map((file, i): IndexedOutput => {
        const known = existing[i];
        if (known) return { id: known.id, inserted: false };
        const row = byPlace.get(place(file)) as { id: string; sha256: string; inserted: boolean };
        if (row.sha256 !== file.sha256) throw mismatch(i, file);
        // Only the first file at a place inserted it; a repeat is not derived twice.
        return { id: row.id, inserted: row.inserted && fresh.get(place(file)) === file };
      });
      const inserted = toInsert.filter((file) => byPlace.get(place(file))?.inserted);
      const warnings = inserted.flatMap((file) => escapedWarning(instanceId, file));
      await this.outputs.insertWarnings(instanceId, warnings, tx);
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
}
