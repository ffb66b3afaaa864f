import type {
  OutputFile,
  OutputUploadPlan,
  PresignOutputsResponse,
  PresignPartsResponse,
} from '@podpilot/common';
import pLimit from 'p-limit';
import type { Db } from '../../db/db.js';
import { conflict, forbidden, notFound } from '../../lib/http-error.js';
import type {
  PendingOutputsRepository,
  PendingUpload,
} from '../../repositories/pending-outputs.repository.js';
import { choosePartSize, type ObjectStorage } from '../../storage/index.js';
import { stagingPrefix } from './output-keys.js';
import {
  badRequest,
  STORAGE_PARALLEL,
  UPLOAD_URL_TTL_SECONDS,
  uploadUrlsExpireAt,
} from './output-upload-rules.js';
import { decideVersions, type VersionDecision } from './output-versions.js';

/**
 * The first half of an output upload: reserves each file's version and hands out where to put it (a
 * presigned PUT, or a multipart upload and its part URLs) — always a staging key of its own
 * (`staging/<instance>/<uuid>`), never the key the file is indexed under: the hub moves the bytes there at
 * confirm and verifies them, so no URL an agent holds can change an indexed file.
 */
export class OutputPresign {
  constructor(
    private readonly db: Db,
    private readonly storage: ObjectStorage,
    private readonly pending: PendingOutputsRepository,
    private readonly multipartThreshold: number,
    private readonly preferredPartSize: number,
  ) {}

  /**
   * Plans the upload of each file, in request order: `indexed` when the latest indexed version of its path
   * has its sha256; otherwise the next version with a PUT URL or a multipart upload. Idempotent: the same
   * (path, sha256) gets the same version, staging key and multipart upload until it is confirmed. 404 for an
   * unknown instance. Every path gets a plan: names a store cannot hold are escaped at confirm (outputKey).
   */
  async presign(instanceId: string, files: OutputFile[]): Promise<PresignOutputsResponse> {
    const decided = await this.reserve(instanceId, files);
    // URLs are signed side by side (multipart uploads may ask the store), in request order in the answer.
    const limit = pLimit(STORAGE_PARALLEL);
    const plans = await Promise.all(
      decided.map((entry, i) => limit(() => this.plan((files[i] as OutputFile).path, entry))),
    );
    return { files: plans, expiresAt: uploadUrlsExpireAt() };
  }

  /**
   * Presigned PUT URLs for parts of a multipart upload the hub handed out to this instance: 403 for a key
   * outside its prefix, 409 when no such upload is under way, 400 for a part past the last.
   */
  async presignParts(
    instanceId: string,
    key: string,
    uploadId: string,
    partNumbers: number[],
  ): Promise<PresignPartsResponse> {
    if (!key.startsWith(stagingPrefix(instanceId)))
      throw forbidden(`key: ${key} is not under this instance's upload prefix ${stagingPrefix(instanceId)}`);
    const pending = await this.pending.findByKey(instanceId, key);
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
    return { parts, expiresAt: uploadUrlsExpireAt() };
  }

  /**
   * Decides and records the batch's versions in one transaction. A constant number of queries per batch,
   * whatever its size: the instance lock, what is indexed and reserved for its paths, the reservations of its
   * (path, sha256) pairs, then one insert of the new reservations (and one update of resized ones, rarely).
   */
  private reserve(instanceId: string, files: OutputFile[]): Promise<VersionDecision[]> {
    return this.db.transaction(async (tx) => {
      if (!(await this.pending.lockInstance(instanceId, tx))) throw notFound(`instance ${instanceId}`);
      const paths = files.map((f) => f.path);
      const versions = await this.pending.versionsOf(instanceId, paths, tx);
      const sha256s = files.map((f) => f.sha256);
      const found = await this.pending.findMany(instanceId, paths, sha256s, tx);
      const { decisions, created, resized } = decideVersions(instanceId, files, versions, found);
      await this.pending.insertMany(instanceId, created, tx);
      await this.pending.resizeMany(resized, tx);
      return decisions;
    });
  }

  /** Where one file goes: nowhere (indexed), one presigned PUT, or a multipart upload. */
  private async plan(path: string, entry: VersionDecision): Promise<OutputUploadPlan> {
    if ('indexed' in entry) return { path, status: 'indexed', version: entry.indexed };
    const { file, pending, staleUploadId } = entry;
    if (staleUploadId) await this.storage.abortMultipart(pending.storageKey, staleUploadId).catch(() => {});
    const { storageKey: key, version } = pending;
    if (file.sizeBytes <= this.multipartThreshold) {
      const url = await this.storage.presignPut(key, {
        expiresInSeconds: UPLOAD_URL_TTL_SECONDS,
        contentLength: file.sizeBytes,
      });
      return { path, status: 'put', key, version, url };
    }
    const { uploadId, partSize } = await this.multipartUpload(pending);
    const partCount = Math.max(1, Math.ceil(file.sizeBytes / partSize));
    return { path, status: 'multipart', key, version, uploadId, partSize, partCount };
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
    // The type is set when the hub moves the verified bytes to their key (output-confirm.ts).
    const created = await this.storage.createMultipart(key);
    const current = await this.pending.setUpload(key, pending.uploadId, { uploadId: created, partSize });
    if (current?.uploadId === created) return { uploadId: created, partSize };
    // Another presign of the same file won the race (or the file was confirmed meanwhile): use its upload.
    await this.storage.abortMultipart(key, created).catch(() => {});
    if (current?.uploadId && current.partSize)
      return { uploadId: current.uploadId, partSize: current.partSize };
    throw conflict(`${pending.path}: the upload changed while it was being planned; presign again`);
  }
}
