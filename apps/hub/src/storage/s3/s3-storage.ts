import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { contentDisposition } from '../content-disposition.js';
import type {
  ListOptions,
  ListResult,
  ObjectInfo,
  ObjectStorage,
  PresignGetOptions,
  PresignPutOptions,
  UploadedPart,
} from '../storage.js';
import {
  validateCompletedParts,
  validateExpiry,
  validateKey,
  validateLength,
  validateListOptions,
  validatePartNumber,
  validatePrefix,
  validateUploadId,
} from '../validate.js';
import { s3ErrorCode, translateS3Error } from './s3-errors.js';
import { moveS3 } from './s3-move.js';

/** Where and how to reach the bucket. For R2: endpoint `https://<account>.r2.cloudflarestorage.com`, region `auto`. */
export interface S3StorageConfig {
  /** Omit for AWS itself. */
  endpoint?: string;
  /** Default `auto` (R2). */
  region?: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key` (MinIO, s3rver). Default false. */
  forcePathStyle?: boolean;
}

/**
 * `ObjectStorage` on any S3-compatible store through the AWS SDK v3, presigning SigV4 URLs that clients use
 * directly. Configured for R2: region `auto`, checksums only when an operation requires them (R2 rejected the
 * SDK's default CRC32 ones). Credentials live only inside the SDK client; nothing here logs them.
 */
export class S3Storage implements ObjectStorage {
  readonly kind = 's3' as const;
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(config: S3StorageConfig) {
    this.#bucket = config.bucket;
    this.#client = new S3Client({
      region: config.region ?? 'auto',
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      forcePathStyle: config.forcePathStyle ?? false,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async presignGet(key: string, opts: PresignGetOptions): Promise<string> {
    validateKey(key);
    const expiresIn = validateExpiry(opts.expiresInSeconds);
    const disposition = opts.downloadName === undefined ? undefined : contentDisposition(opts.downloadName);
    const command = new GetObjectCommand({
      Bucket: this.#bucket,
      Key: key,
      ...(disposition ? { ResponseContentDisposition: disposition } : {}),
      ...(opts.contentType ? { ResponseContentType: opts.contentType } : {}),
    });
    return getSignedUrl(this.#client, command, { expiresIn });
  }

  async presignPut(key: string, opts: PresignPutOptions): Promise<string> {
    validateKey(key);
    const expiresIn = validateExpiry(opts.expiresInSeconds);
    if (opts.contentLength !== undefined) validateLength('contentLength', opts.contentLength);
    const command = new PutObjectCommand({
      Bucket: this.#bucket,
      Key: key,
      ...(opts.contentLength === undefined ? {} : { ContentLength: opts.contentLength }),
      ...(opts.contentType === undefined ? {} : { ContentType: opts.contentType }),
    });
    // Content-Length and Content-Type become signed headers, so the store refuses an upload that differs.
    // The presigner leaves Content-Type unsigned unless asked (browsers set it), hence signableHeaders.
    return getSignedUrl(this.#client, command, {
      expiresIn,
      ...(opts.contentType === undefined ? {} : { signableHeaders: new Set(['content-type']) }),
    });
  }

  async head(key: string): Promise<ObjectInfo | null> {
    validateKey(key);
    try {
      const out = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return {
        size: out.ContentLength ?? 0,
        etag: out.ETag ?? '',
        lastModified: out.LastModified ?? new Date(0),
        ...(out.ContentType ? { contentType: out.ContentType } : {}),
      };
    } catch (error) {
      const code = s3ErrorCode(error);
      if (code === 'NotFound' || code === 'NoSuchKey') return null;
      throw translateS3Error(error, key);
    }
  }

  /** A Node `Readable` of the body (the SDK's stream in Node). */
  async get(key: string): Promise<Readable> {
    validateKey(key);
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      if (!(out.Body instanceof Readable))
        throw new Error(`storage: GET ${key} answered without a Node stream body`);
      return out.Body;
    } catch (error) {
      throw translateS3Error(error, key);
    }
  }

  async put(
    key: string,
    body: Buffer | Readable,
    opts: { contentType?: string; contentLength?: number } = {},
  ): Promise<{ etag: string }> {
    validateKey(key);
    const type = opts.contentType === undefined ? {} : { ContentType: opts.contentType };
    try {
      if (Buffer.isBuffer(body)) {
        const params = { Bucket: this.#bucket, Key: key, Body: body, ContentLength: body.length, ...type };
        return { etag: (await this.#client.send(new PutObjectCommand(params))).ETag ?? '' };
      }
      // Unknown length: lib-storage buffers a part at a time, multipart only for a body larger than a part.
      const upload = new Upload({
        client: this.#client,
        params: { Bucket: this.#bucket, Key: key, Body: body, ...type },
        queueSize: 1,
      });
      const out = await upload.done();
      return { etag: 'ETag' in out && typeof out.ETag === 'string' ? out.ETag : '' };
    } catch (error) {
      throw translateS3Error(error, key);
    }
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
    } catch (error) {
      // S3 answers 204 for a missing key already; some stores answer 404.
      if (s3ErrorCode(error) === 'NoSuchKey' || s3ErrorCode(error) === 'NotFound') return;
      throw translateS3Error(error, key);
    }
  }

  async move(from: string, to: string, opts: { contentType?: string } = {}): Promise<{ etag: string }> {
    validateKey(from);
    validateKey(to);
    return moveS3(this.#client, this.#bucket, from, to, opts.contentType);
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    validatePrefix(prefix);
    const { limit, after } = validateListOptions(opts);
    const out = await this.#client.send(
      new ListObjectsV2Command({
        Bucket: this.#bucket,
        MaxKeys: limit,
        ...(prefix ? { Prefix: prefix } : {}),
        ...(after ? { StartAfter: after } : {}),
      }),
    );
    const keys = (out.Contents ?? []).map((o) => ({
      key: o.Key ?? '',
      size: o.Size ?? 0,
      lastModified: o.LastModified ?? new Date(0),
    }));
    const last = keys.at(-1);
    return out.IsTruncated && last ? { keys, next: last.key } : { keys };
  }

  async createMultipart(key: string, opts: { contentType?: string } = {}): Promise<string> {
    validateKey(key);
    const out = await this.#client.send(
      new CreateMultipartUploadCommand({
        Bucket: this.#bucket,
        Key: key,
        ...(opts.contentType === undefined ? {} : { ContentType: opts.contentType }),
      }),
    );
    if (!out.UploadId)
      throw new Error(`storage: CreateMultipartUpload of ${key} answered without an UploadId`);
    return out.UploadId;
  }

  async presignPart(
    key: string,
    uploadId: string,
    partNumber: number,
    opts: { expiresInSeconds: number },
  ): Promise<string> {
    validateKey(key);
    validateUploadId(uploadId);
    validatePartNumber(partNumber);
    const expiresIn = validateExpiry(opts.expiresInSeconds);
    const command = new UploadPartCommand({
      Bucket: this.#bucket,
      Key: key,
      UploadId: uploadId,
      PartNumber: partNumber,
    });
    return getSignedUrl(this.#client, command, { expiresIn });
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    validateKey(key);
    validateUploadId(uploadId);
    const parts: UploadedPart[] = [];
    let marker: string | undefined;
    try {
      // Pages of up to 1000 parts; an upload has at most 10,000.
      do {
        const out = await this.#client.send(
          new ListPartsCommand({
            Bucket: this.#bucket,
            Key: key,
            UploadId: uploadId,
            ...(marker ? { PartNumberMarker: marker } : {}),
          }),
        );
        for (const p of out.Parts ?? [])
          parts.push({ partNumber: p.PartNumber ?? 0, etag: p.ETag ?? '', size: p.Size ?? 0 });
        marker = out.IsTruncated ? out.NextPartNumberMarker : undefined;
      } while (marker);
    } catch (error) {
      throw translateS3Error(error, key, uploadId);
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeMultipart(
    key: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
  ): Promise<{ etag: string }> {
    validateKey(key);
    validateUploadId(uploadId);
    validateCompletedParts(parts);
    try {
      const out = await this.#client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.#bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
      return { etag: out.ETag ?? '' };
    } catch (error) {
      throw translateS3Error(error, key, uploadId);
    }
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    validateKey(key);
    validateUploadId(uploadId);
    try {
      await this.#client.send(
        new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key: key, UploadId: uploadId }),
      );
    } catch (error) {
      if (s3ErrorCode(error) === 'NoSuchUpload' || s3ErrorCode(error) === 'NotFound') return;
      throw translateS3Error(error, key, uploadId);
    }
  }

  /** Closes the SDK's connection pool (at hub shutdown). */
  close(): void {
    this.#client.destroy();
  }
}
