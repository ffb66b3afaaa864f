import * as z from 'zod';
import { ModelKind } from '../profile/ui-kinds.js';

export * from './model-site-secrets.js';

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters (a sha256)');

export const ModelStatus = z.enum(['pending', 'uploading', 'available', 'failed']);
export type ModelStatus = z.infer<typeof ModelStatus>;

const ModelName = z.string().trim().min(1, 'expected a name').max(200, 'expected at most 200 characters');
const FileName = z
  .string()
  .regex(/^[^/\\\0]{1,255}$/, 'expected a file name without slashes')
  .refine((v) => v !== '.' && v !== '..', 'expected a file name, not "." or ".."');

export const ModelUsage = z.object({ profile: z.string(), version: z.number().int() });

export const ModelSummary = z.object({
  sha256: Sha256,
  name: z.string(),
  kind: ModelKind,
  sizeBytes: z.number().int().nullable(),
  fileName: z.string().nullable(),
  status: ModelStatus,
  statusReason: z.string().nullable(),
  storageKey: z.string().nullable(),
  sourceUrl: z.string().nullable(),
  createdAt: z.iso.datetime(),
  usedBy: z.array(ModelUsage),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const ListModelsResponse = z.object({ models: z.array(ModelSummary) });
export type ListModelsResponse = z.infer<typeof ListModelsResponse>;

/** `POST /api/models/uploads`: start (or resume) pushing a file whose sha256 the client computed. */
export const StartModelUploadRequest = z.object({
  sha256: Sha256,
  sizeBytes: z.number().int().min(1, 'expected the file size in bytes (> 0)'),
  name: ModelName,
  kind: ModelKind,
  fileName: FileName.optional(),
  /**
   * The client can send the whole file in one PUT: a file at or below the hub's cutoff (200 MiB) then gets
   * a `put` plan instead of a multipart one. Clients that leave it out always get multipart.
   */
  singlePut: z.boolean().optional(),
});
export type StartModelUploadRequest = z.infer<typeof StartModelUploadRequest>;

export const UploadedPart = z.object({
  partNumber: z.number().int().min(1).max(10_000),
  etag: z.string().min(1),
});
export type UploadedPart = z.infer<typeof UploadedPart>;

/** Upload parts 1..partCount of partSize bytes (the last may be shorter); `uploaded` lists parts already stored. */
export const ModelUploadPlan = z.object({
  status: z.literal('upload'),
  partSize: z.number().int(),
  partCount: z.number().int(),
  uploaded: z.array(UploadedPart.extend({ sizeBytes: z.number().int() })),
});

export const StartModelUploadResponse = z.discriminatedUnion('status', [
  /** The library already has these bytes: nothing to upload. */
  z.object({ status: z.literal('exists'), model: ModelSummary }),
  ModelUploadPlan,
  /** (`singlePut` asked) PUT the whole file to `url` with its Content-Length, then complete with no parts. */
  z.object({ status: z.literal('put'), url: z.string(), expiresAt: z.iso.datetime() }),
]);
export type StartModelUploadResponse = z.infer<typeof StartModelUploadResponse>;

export const PresignPartsRequest = z.object({
  partNumbers: z
    .array(z.number().int().min(1).max(10_000))
    .min(1)
    .max(100, 'expected at most 100 parts per request'),
});
export const PresignPartsResponse = z.object({
  parts: z.array(z.object({ partNumber: z.number().int(), url: z.string() })),
  expiresAt: z.iso.datetime(),
});
export type PresignPartsResponse = z.infer<typeof PresignPartsResponse>;

/** Every part of a multipart push with its ETag; none for a push sent as one PUT. */
export const CompleteModelUploadRequest = z.object({ parts: z.array(UploadedPart) });

/**
 * `POST /api/models`: register a model by URL, fetched by the first agent that needs it, then kept in storage.
 * A Civitai model or version URL is resolved through Civitai's API (file name, size, sha256, download URL);
 * without `name`, the file's name without its extension is used.
 */
export const AddModelRequest = z.object({
  url: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }),
  name: ModelName.optional(),
  kind: ModelKind,
  sha256: Sha256.optional(),
  fileName: FileName.optional(),
});
export type AddModelRequest = z.infer<typeof AddModelRequest>;
