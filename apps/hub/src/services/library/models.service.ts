import type {
  AddModelRequest,
  ModelSummary,
  PresignPartsResponse,
  StartModelUploadRequest,
  StartModelUploadResponse,
  UploadedPart,
} from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { iso } from '../../lib/dates.js';
import { conflict, HttpError, notFound } from '../../lib/http-error.js';
import { ModelsRepository, type ModelWithUsage } from '../../repositories/models.repository.js';
import { choosePartSize, type ObjectStorage } from '../../storage/index.js';
import { ModelSites, type ModelSiteUrls, type SecretReader } from './model-sites.js';
import { ModelSourceResolver } from './model-source.js';

/** Models live once in storage under their content address. */
export const modelKey = (sha256: string) => `models/sha256/${sha256}`;

const PART_URL_TTL_SECONDS = 3600;
/** 16 MiB parts: enough parallelism for files of a few hundred MiB, few requests for multi-GB checkpoints. */
const PREFERRED_PART_SIZE = 16 * 1024 * 1024;
/**
 * At or below this size a client that can send one PUT gets one (rclone's S3 `upload_cutoff` is the same
 * 200 MiB): multipart costs a create and a complete, and some stores copy every byte again to join the parts.
 */
export const SINGLE_PUT_MAX_BYTES = 200 * 1024 * 1024;

const toSummary = (m: ModelWithUsage): ModelSummary => ({
  sha256: m.sha256,
  name: m.name,
  kind: m.kind,
  sizeBytes: m.sizeBytes,
  fileName: m.fileName,
  status: m.status,
  statusReason: m.statusReason,
  storageKey: m.status === 'available' ? m.storageKey : null,
  sourceUrl: m.sourceUrl,
  createdAt: iso(m.createdAt),
  usedBy: m.usedBy,
});

export interface ModelsServiceOptions extends ModelSiteUrls {
  /** Looks up a non-Civitai URL's sha256 when the owner does not give one (tests pass a fake). */
  resolveSha256?: (url: string) => Promise<string | null>;
  /** The hub's secrets: model-site tokens for the hub's own lookups and for agents' downloads. */
  secrets?: SecretReader;
  /** Per outbound call to a model site; default 15 s. */
  timeoutMs?: number;
  /** `PODPILOT_OUTBOUND_ALLOW`: private hosts and ranges the hub's own lookups may reach (ModelSourceResolver). */
  outboundAllow?: readonly string[];
}

/**
 * The model library: content-addressed files pushed through presigned multipart uploads (resumable: the
 * upload under way is remembered per sha256), or registered by URL for the first agent to fetch.
 */
export class ModelsService {
  private readonly models: ModelsRepository;
  private readonly resolver: ModelSourceResolver;
  /** Which model-site credential goes to which origin (also for agents' downloads). */
  readonly sites: ModelSites;

  constructor(
    db: Db,
    private readonly storage: ObjectStorage,
    options: ModelsServiceOptions = {},
  ) {
    this.models = new ModelsRepository(db);
    this.sites = new ModelSites(options.secrets, options);
    this.resolver = new ModelSourceResolver(this.sites, options);
  }

  async list(): Promise<ModelSummary[]> {
    return (await this.models.list()).map(toSummary);
  }

  async get(sha256: string): Promise<ModelSummary> {
    return toSummary(await this.require(sha256));
  }

  /**
   * Starts pushing a file, or resumes the push under way for the same sha256 (listing the parts the store
   * already has), or answers `exists` when the library has the bytes. Idempotent.
   */
  async startUpload(req: StartModelUploadRequest): Promise<StartModelUploadResponse> {
    const key = modelKey(req.sha256);
    await this.models.insert({
      sha256: req.sha256,
      name: req.name,
      kind: req.kind,
      sizeBytes: req.sizeBytes,
      fileName: req.fileName ?? null,
      status: 'pending',
      storageKey: null,
      sourceUrl: null,
    });
    const model = await this.require(req.sha256);
    if (model.status === 'available') return { status: 'exists', model: toSummary(model) };
    if (model.kind !== req.kind) {
      throw conflict(`kind: this sha256 is already registered as a ${model.kind}, not a ${req.kind}`);
    }
    if (req.singlePut && req.sizeBytes <= SINGLE_PUT_MAX_BYTES) return this.startSinglePut(req, model);
    if (
      model.status === 'uploading' &&
      model.uploadId &&
      model.partSize &&
      model.sizeBytes === req.sizeBytes
    ) {
      const uploaded = await this.storage.listParts(key, model.uploadId).catch(() => null);
      if (uploaded) {
        return {
          status: 'upload',
          partSize: model.partSize,
          partCount: Math.ceil(req.sizeBytes / model.partSize),
          uploaded: uploaded.map((p) => ({ partNumber: p.partNumber, etag: p.etag, sizeBytes: p.size })),
        };
      }
    }
    if (model.uploadId) await this.storage.abortMultipart(key, model.uploadId).catch(() => {});
    const partSize = choosePartSize(req.sizeBytes, PREFERRED_PART_SIZE);
    const uploadId = await this.storage.createMultipart(key);
    await this.models.setUploading(req.sha256, {
      uploadId,
      partSize,
      sizeBytes: req.sizeBytes,
      storageKey: key,
      name: req.name,
      fileName: req.fileName ?? null,
    });
    return { status: 'upload', partSize, partCount: Math.ceil(req.sizeBytes / partSize), uploaded: [] };
  }

  /** Presigned PUT URLs for parts of the upload under way. Throws 409 when no upload is under way. */
  async presignParts(sha256: string, partNumbers: number[]): Promise<PresignPartsResponse> {
    const { uploadId, partCount } = this.uploadOf(await this.require(sha256));
    const beyond = partNumbers.find((n) => n > partCount);
    if (beyond)
      throw new HttpError(
        400,
        'invalid_request',
        `partNumbers: part ${beyond} is past the last part (${partCount})`,
      );
    const key = modelKey(sha256);
    const parts = await Promise.all(
      partNumbers.map(async (partNumber) => ({
        partNumber,
        url: await this.storage.presignPart(key, uploadId, partNumber, {
          expiresInSeconds: PART_URL_TTL_SECONDS,
        }),
      })),
    );
    return { parts, expiresAt: new Date(Date.now() + PART_URL_TTL_SECONDS * 1000).toISOString() };
  }

  /**
   * Completes the upload (a push sent as one PUT: with no parts) and checks the stored size. Throws 409 when
   * the parts do not add up.
   */
  async completeUpload(sha256: string, parts: UploadedPart[]): Promise<ModelSummary> {
    const model = await this.require(sha256);
    if (model.status === 'available') return toSummary(model);
    if (model.status === 'uploading' && !model.uploadId) {
      if (parts.length) throw conflict('parts: this push was sent as one PUT; complete it without parts');
      return this.checkStored(sha256, model.sizeBytes);
    }
    const { uploadId, partCount } = this.uploadOf(model);
    if (parts.length !== partCount) {
      throw conflict(`parts: expected all ${partCount} parts, got ${parts.length}`);
    }
    const key = modelKey(sha256);
    await this.storage.completeMultipart(
      key,
      uploadId,
      [...parts].sort((a, b) => a.partNumber - b.partNumber),
    );
    return this.checkStored(sha256, model.sizeBytes);
  }

  /** The pushed object has the announced size: the model is available. Else it is deleted, failed, 409. */
  private async checkStored(sha256: string, sizeBytes: number | null): Promise<ModelSummary> {
    const key = modelKey(sha256);
    const stored = await this.storage.head(key);
    if (!stored || stored.size !== sizeBytes) {
      await this.storage.delete(key);
      await this.models.setStatus(
        sha256,
        'failed',
        `stored ${stored?.size ?? 0} bytes, expected ${sizeBytes}`,
      );
      throw conflict(`the uploaded object has ${stored?.size ?? 0} bytes, expected ${sizeBytes}; push again`);
    }
    await this.models.setStatus(sha256, 'available');
    return toSummary(await this.require(sha256));
  }

  /** Abandons the upload under way (idempotent); the model stays registered as failed. */
  async abortUpload(sha256: string): Promise<void> {
    const model = await this.require(sha256);
    if (model.status !== 'uploading' || !model.uploadId) return;
    await this.storage.abortMultipart(modelKey(sha256), model.uploadId);
    await this.models.setStatus(sha256, 'failed', 'upload aborted');
  }

  /**
   * Registers a model by URL (status `pending`: the first agent that needs it fetches, verifies and stores it).
   * Civitai model/version URLs are resolved through Civitai's API (stored with the file's download URL);
   * without `sha256`, other sites are asked for it. Throws 400 when none is published or the site refuses
   * (naming the secret to set). Idempotent per sha256.
   */
  async add(req: AddModelRequest): Promise<{ model: ModelSummary; created: boolean }> {
    const source = await this.resolver.resolve(req);
    const created = await this.models.insert({
      sha256: source.sha256,
      name: req.name ?? nameOf(source.fileName),
      kind: req.kind,
      sizeBytes: source.sizeBytes,
      fileName: source.fileName,
      status: 'pending',
      storageKey: null,
      sourceUrl: source.sourceUrl,
    });
    return { model: toSummary(await this.require(source.sha256)), created };
  }

  /** Deletes the model and its stored bytes. Throws 409 while a profile version lists it, 404 when unknown. */
  async remove(sha256: string): Promise<void> {
    const model = await this.require(sha256);
    if (model.usedBy.length) {
      const users = model.usedBy.map((u) => `${u.profile}@${u.version}`).join(', ');
      throw conflict(`model ${model.name} (${sha256.slice(0, 12)}…) is used by profile version(s) ${users}`);
    }
    const key = modelKey(sha256);
    if (model.uploadId) await this.storage.abortMultipart(key, model.uploadId).catch(() => {});
    await this.storage.delete(key);
    await this.models.delete(sha256);
  }

  private async require(sha256: string): Promise<ModelWithUsage> {
    const model = await this.models.find(sha256);
    if (!model) throw notFound(`model ${sha256}`);
    return model;
  }

  /** A `put` plan: the whole file in one presigned PUT (an earlier multipart push of it is dropped). */
  private async startSinglePut(
    req: StartModelUploadRequest,
    model: ModelWithUsage,
  ): Promise<StartModelUploadResponse> {
    const key = modelKey(req.sha256);
    if (model.uploadId) await this.storage.abortMultipart(key, model.uploadId).catch(() => {});
    await this.models.setUploading(req.sha256, {
      uploadId: null,
      partSize: null,
      sizeBytes: req.sizeBytes,
      storageKey: key,
      name: req.name,
      fileName: req.fileName ?? null,
    });
    const url = await this.storage.presignPut(key, {
      expiresInSeconds: PART_URL_TTL_SECONDS,
      contentLength: req.sizeBytes,
    });
    return {
      status: 'put',
      url,
      expiresAt: new Date(Date.now() + PART_URL_TTL_SECONDS * 1000).toISOString(),
    };
  }

  private uploadOf(model: ModelWithUsage): { uploadId: string; partCount: number } {
    if (model.status !== 'uploading' || !model.uploadId || !model.partSize || !model.sizeBytes) {
      throw conflict(
        `no upload is under way for model ${model.sha256}; start one with POST /api/models/uploads`,
      );
    }
    return { uploadId: model.uploadId, partCount: Math.ceil(model.sizeBytes / model.partSize) };
  }
}

/** A library name from a file name: without its extension; `model` when there is none. */
function nameOf(fileName: string | null): string {
  const stem = fileName
    ?.replace(/\.[^.]+$/, '')
    .trim()
    .slice(0, 200);
  return stem || 'model';
}
