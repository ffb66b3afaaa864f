import {
  ModelKind,
  modelStorageKey,
  type PresignPartsResponse,
  type PromotionCompleteResponse,
  type PromotionStartResponse,
  type UploadedPart,
} from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { conflict, HttpError } from '../../lib/http-error.js';
import { ModelsRepository } from '../../repositories/models.repository.js';
import { choosePartSize, type ObjectStorage, StorageUploadNotFoundError } from '../../storage/index.js';
import { sha256Of } from '../outputs/output-verify.js';

/** As the library's own pushes: few requests for big checkpoints. */
const PREFERRED_PART_SIZE = 16 * 1024 * 1024;
const PART_URL_TTL_SECONDS = 6 * 3600;

/** What a snapshot granted the instance to upload under one sha256. */
export interface Grant {
  sha256: string;
  sizeBytes: number;
  name: string;
  kind: string;
  fileName: string;
}

interface Upload {
  uploadId: string;
  partSize: number;
  sizeBytes: number;
}

const stagingModelKey = (instanceId: string, sha256: string) => `staging/models/${instanceId}/${sha256}`;

/**
 * The proof that the instance uploaded bytes hashing to `sha256` (an empty object): what lets instances
 * launched from its snapshot versions fetch that model (agent-downloads.ts).
 */
export const uploadProofKey = (instanceId: string, sha256: string) =>
  `snapshot-proofs/${instanceId}/${sha256}`;

/**
 * Uploads of models a snapshot asked for, proven before they count. Whatever the library holds, the agent
 * gets the same answers: it uploads the bytes to a staging key of its own; at completion the hub reads them
 * once (sha256), refuses and deletes a mismatch, and otherwise keeps one copy — the library's when it has the
 * model already (the upload is deleted: deduplicated), else the upload moved into the library — and writes
 * the proof (`uploadProofKey`) that lets the instance's snapshot versions fetch the model (agent-downloads.ts).
 * Uploads under way are remembered in memory: after a hub restart
 * the agent's next start begins a new one (the store drops the old after 7 days).
 */
export class GrantedUploads {
  private readonly uploads = new Map<string, Upload>();
  private readonly models: ModelsRepository;

  constructor(
    db: Db,
    private readonly storage: ObjectStorage,
  ) {
    this.models = new ModelsRepository(db);
  }

  /** Starts or resumes the upload (the parts stored so far listed), as the library answers a fresh push. */
  async start(instanceId: string, grant: Grant): Promise<PromotionStartResponse> {
    const key = stagingModelKey(instanceId, grant.sha256);
    const known = this.uploads.get(key);
    if (known && known.sizeBytes === grant.sizeBytes) {
      const stored = await this.storage.listParts(key, known.uploadId).catch(() => null);
      if (stored)
        return {
          status: 'upload',
          partSize: known.partSize,
          partCount: Math.ceil(known.sizeBytes / known.partSize),
          uploaded: stored.map((p) => ({ partNumber: p.partNumber, etag: p.etag, sizeBytes: p.size })),
        };
    }
    if (known) await this.storage.abortMultipart(key, known.uploadId).catch(() => {});
    const partSize = choosePartSize(grant.sizeBytes, PREFERRED_PART_SIZE);
    const uploadId = await this.storage.createMultipart(key);
    this.uploads.set(key, { uploadId, partSize, sizeBytes: grant.sizeBytes });
    return { status: 'upload', partSize, partCount: Math.ceil(grant.sizeBytes / partSize), uploaded: [] };
  }

  async presignParts(
    instanceId: string,
    sha256: string,
    partNumbers: number[],
  ): Promise<PresignPartsResponse> {
    const key = stagingModelKey(instanceId, sha256);
    const upload = this.underWay(key);
    const partCount = Math.ceil(upload.sizeBytes / upload.partSize);
    const beyond = partNumbers.find((n) => n > partCount);
    if (beyond)
      throw new HttpError(
        400,
        'invalid_request',
        `partNumbers: part ${beyond} is past the last part (${partCount})`,
      );
    const expiresInSeconds = PART_URL_TTL_SECONDS;
    const parts = await Promise.all(
      partNumbers.map(async (partNumber) => ({
        partNumber,
        url: await this.storage.presignPart(key, upload.uploadId, partNumber, { expiresInSeconds }),
      })),
    );
    return { parts, expiresAt: new Date(Date.now() + PART_URL_TTL_SECONDS * 1000).toISOString() };
  }

  /** Completes, verifies and keeps the upload (see the class); 409 when the bytes are not the model's. */
  async complete(
    instanceId: string,
    grant: Grant,
    parts: UploadedPart[],
  ): Promise<PromotionCompleteResponse> {
    const key = stagingModelKey(instanceId, grant.sha256);
    const upload = this.underWay(key);
    if (parts.length !== Math.ceil(upload.sizeBytes / upload.partSize))
      throw conflict(
        `parts: expected all ${Math.ceil(upload.sizeBytes / upload.partSize)} parts, got ${parts.length}`,
      );
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    await this.storage.completeMultipart(key, upload.uploadId, sorted).catch((error) => {
      if (!(error instanceof StorageUploadNotFoundError)) throw error;
    });
    this.uploads.delete(key);
    const stored = await this.storage.head(key);
    const sha256 = stored?.size === grant.sizeBytes ? await sha256Of(this.storage, key) : null;
    if (sha256 !== grant.sha256) {
      await this.storage.delete(key);
      throw conflict(
        `sha256: the uploaded bytes ${sha256 === null ? `have ${stored?.size ?? 0} bytes` : `hash to ${sha256}`}, ` +
          `not the model's; upload it again`,
      );
    }
    await this.keep(key, grant);
    await this.storage.put(uploadProofKey(instanceId, grant.sha256), Buffer.alloc(0));
    return { sha256: grant.sha256, status: 'available' };
  }

  /** One copy of the verified bytes: the library's when it has them, else these moved into the library. */
  private async keep(key: string, grant: Grant): Promise<void> {
    if ((await this.models.find(grant.sha256))?.status === 'available') return this.storage.delete(key);
    const storageKey = modelStorageKey(grant.sha256);
    await this.storage.move(key, storageKey, { contentType: 'application/octet-stream' });
    const { sha256, name, sizeBytes, fileName } = grant;
    const entry = { sha256, name, kind: ModelKind.parse(grant.kind), sizeBytes, fileName, storageKey };
    if (!(await this.models.insert({ ...entry, status: 'available', sourceUrl: null }))) {
      // Registered already (by URL, or a push that did not finish): it now has its verified bytes.
      await this.models.setUploading(sha256, { ...entry, uploadId: 'verified', partSize: 1 });
      await this.models.setStatus(sha256, 'available');
    }
  }

  private underWay(key: string): Upload {
    const upload = this.uploads.get(key);
    if (!upload) throw conflict('sha256: no upload of this model is under way; start it again');
    return upload;
  }
}
