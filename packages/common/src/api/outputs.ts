import * as z from 'zod';
import { Sha256, UploadedPart } from './models.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const Timestamp = z.iso.datetime({ message: 'expected an ISO-8601 time with a Z offset' });

/**
 * A file's path relative to the instance's output root, as the agent saw it: `/`-separated segments, no
 * `.`/`..`, no leading `/`. The output root is the UI folder, so paths look like `outputs/2026-11-28/x.png`.
 */
export const OutputPath = z
  .string()
  .min(1, 'expected a relative file path')
  .max(1024, 'expected a path of at most 1024 characters')
  .refine(
    (p) =>
      !p.startsWith('/') &&
      !p.includes('\\') &&
      !CONTROL.test(p) &&
      p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'),
    'expected a relative path of "/"-separated names, without "." or ".." segments or control characters',
  )
  // The hub keeps later versions of a file under `outputs/<instance>/.versions/<n>/<path>`.
  .refine((p) => p.split('/')[0] !== '.versions', 'expected a path whose first folder is not ".versions"');

/** One finished file the agent wants to store. */
export const OutputFile = z.object({
  path: OutputPath,
  sizeBytes: z.number().int().nonnegative(),
  sha256: Sha256,
  /** The file's modification time when it was read. */
  mtime: Timestamp,
});
export type OutputFile = z.infer<typeof OutputFile>;

/** `POST /agent/v1/outputs/presign`: where to put these files (batch). */
export const PresignOutputsRequest = z.object({ files: z.array(OutputFile).min(1).max(200) });
export type PresignOutputsRequest = z.infer<typeof PresignOutputsRequest>;

/**
 * Per file, in request order: `indexed` — the index already holds this path with this sha256 (nothing to
 * send); `put` — one PUT of the whole file to `url`; `multipart` — PUT parts 1..partCount of partSize bytes
 * (URLs from `…/outputs/parts`), then confirm with their ETags. `version` is the index version the upload
 * will become (1 for a new path, +1 for a rewritten file; older versions stay stored).
 */
export const OutputUploadPlan = z.discriminatedUnion('status', [
  z.object({ path: OutputPath, status: z.literal('indexed'), version: z.number().int().positive() }),
  z.object({
    path: OutputPath,
    status: z.literal('put'),
    key: z.string(),
    version: z.number().int().positive(),
    url: z.string(),
  }),
  z.object({
    path: OutputPath,
    status: z.literal('multipart'),
    key: z.string(),
    version: z.number().int().positive(),
    uploadId: z.string(),
    partSize: z.number().int().positive(),
    partCount: z.number().int().positive(),
  }),
]);
export type OutputUploadPlan = z.infer<typeof OutputUploadPlan>;

export const PresignOutputsResponse = z.object({ files: z.array(OutputUploadPlan), expiresAt: Timestamp });
export type PresignOutputsResponse = z.infer<typeof PresignOutputsResponse>;

/** `POST /agent/v1/outputs/parts`: presigned PUT URLs for parts of one multipart output upload. */
export const PresignOutputPartsRequest = z.object({
  key: z.string().min(1),
  uploadId: z.string().min(1),
  partNumbers: z.array(z.number().int().min(1).max(10_000)).min(1).max(100),
});

/**
 * `POST /agent/v1/outputs/confirm`: the bytes are in storage; the hub checks the stored size, completes a
 * multipart upload, and records the file in the index (idempotent per key). Only confirmed files count as
 * synced: the agent's journal records a file after this answer, never before.
 */
export const ConfirmOutputsRequest = z.object({
  files: z
    .array(
      OutputFile.extend({
        key: z.string().min(1),
        version: z.number().int().positive(),
        uploadId: z.string().optional(),
        parts: z.array(UploadedPart).optional(),
      }),
    )
    .min(1)
    .max(200),
});
export type ConfirmOutputsRequest = z.infer<typeof ConfirmOutputsRequest>;

export const ConfirmOutputsResponse = z.object({
  confirmed: z.array(z.object({ path: OutputPath, version: z.number().int(), id: z.uuid() })),
});
export type ConfirmOutputsResponse = z.infer<typeof ConfirmOutputsResponse>;

/** What the agent's sync engine reports in every heartbeat. */
export const SyncStatus = z.object({
  /** Files seen complete but not yet confirmed by the hub. */
  backlogFiles: z.number().int().nonnegative(),
  backlogBytes: z.number().nonnegative(),
  /** Files confirmed since the agent started. */
  syncedFiles: z.number().int().nonnegative(),
  syncedBytes: z.number().nonnegative(),
  lastSyncAt: Timestamp.nullable(),
  lastError: z.string().max(2000).nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** Generation settings the UIs embed in their PNGs. */
export const OutputMetadata = z.object({
  /** A1111/Forge `parameters` text: prompt, negative prompt, settings line. */
  parameters: z.string().optional(),
  /** ComfyUI's `prompt` (API graph) and `workflow` (editor graph), as JSON text. */
  prompt: z.string().optional(),
  workflow: z.string().optional(),
  /** Other text the file carries (another UI's own keywords), raw, keyword → text. */
  texts: z.record(z.string(), z.string()).optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
});
export type OutputMetadata = z.infer<typeof OutputMetadata>;

export const OutputSummary = z.object({
  id: z.uuid(),
  instanceId: z.uuid(),
  instanceName: z.string(),
  profile: z.string().nullable(),
  path: OutputPath,
  version: z.number().int(),
  sizeBytes: z.number().int(),
  sha256: Sha256,
  mtime: Timestamp.nullable(),
  contentType: z.string().nullable(),
  createdAt: Timestamp,
  hasThumbnail: z.boolean(),
  /** A signed URL of the thumbnail (valid an hour); null when there is none. */
  thumbnailUrl: z.string().nullable(),
  /** The prompt as typed (A1111, Forge, Fooocus, ComfyUI), cut to 300 characters; null when none is known. */
  prompt: z.string().nullable(),
  /**
   * Everything read from the file (`GET /api/outputs/:id`); in list answers only `width` and `height` (a
   * ComfyUI workflow is large: the detail has it).
   */
  metadata: OutputMetadata.nullable(),
  /** When the owner deleted it (it is in the trash, restorable until `deletedAt` + the grace period); else null. */
  deletedAt: Timestamp.nullable(),
});
export type OutputSummary = z.infer<typeof OutputSummary>;

/** `GET /api/outputs`: newest first; `cursor` pages on. */
export const ListOutputsQuery = z.object({
  instance: z.uuid({ message: 'expected an instance id (UUID)' }).optional(),
  profile: z.string().min(1).optional(),
  since: Timestamp.optional(),
  until: Timestamp.optional(),
  /** Substring of the path. */
  path: z.string().min(1).max(1024).optional(),
  /** Words searched in the path and the embedded prompt/parameters. */
  q: z.string().min(1).max(500).optional(),
  limit: z.coerce.number().int().min(1).max(1000, 'expected at most 1000').default(100),
  cursor: z.string().optional(),
  /** `true`: the trash (deleted outputs not yet purged) instead of the kept ones. */
  deleted: z
    .enum(['true', 'false'], { error: 'expected true or false' })
    .transform((value) => value === 'true')
    .optional(),
});
export type ListOutputsQuery = z.infer<typeof ListOutputsQuery>;

/** The filters of a list, without paging: what `POST /api/outputs/delete` takes to delete a search's result. */
export const OutputsFilter = ListOutputsQuery.pick({
  instance: true,
  profile: true,
  since: true,
  until: true,
  path: true,
  q: true,
}).strict();
export type OutputsFilter = z.infer<typeof OutputsFilter>;

const OutputIds = z
  .array(z.uuid({ message: 'expected an output id (UUID)' }), { error: 'expected a list of output ids' })
  .min(1, 'expected at least one output id')
  .max(1000, 'expected at most 1000 output ids (delete a filter for more)');

/**
 * `POST /api/outputs/delete`: the outputs named by `ids`, or every kept one that `filter` matches (at least one
 * of its fields must be set: an empty filter would be everything). They go to the trash; idempotent.
 */
export const DeleteOutputsRequest = z
  .strictObject({ ids: OutputIds.optional(), filter: OutputsFilter.optional() })
  .superRefine((body, ctx) => {
    if ((body.ids === undefined) === (body.filter === undefined))
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of ids or filter' });
    else if (body.filter && Object.values(body.filter).every((v) => v === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['filter'],
        message: 'expected at least one filter (instance, profile, since, until, path or q)',
      });
  });
export type DeleteOutputsRequest = z.infer<typeof DeleteOutputsRequest>;

export const DeleteOutputsResponse = z.object({
  /** How many outputs went to the trash now (those already there are not counted again). */
  deleted: z.number().int(),
  /** Until when they can be restored; after that their files are removed for good. */
  restoreUntil: Timestamp,
});
export type DeleteOutputsResponse = z.infer<typeof DeleteOutputsResponse>;

/** `POST /api/outputs/restore`: takes outputs back out of the trash (those still there). */
export const RestoreOutputsRequest = z.strictObject({ ids: OutputIds });
export type RestoreOutputsRequest = z.infer<typeof RestoreOutputsRequest>;

export const RestoreOutputsResponse = z.object({ restored: z.number().int() });
export type RestoreOutputsResponse = z.infer<typeof RestoreOutputsResponse>;

export const ListOutputsResponse = z.object({
  outputs: z.array(OutputSummary),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type ListOutputsResponse = z.infer<typeof ListOutputsResponse>;

/** `GET /api/outputs/:id/urls`: presigned downloads (the thumbnail only when there is one). */
export const OutputUrlsResponse = z.object({
  url: z.string(),
  thumbnailUrl: z.string().nullable(),
  expiresAt: Timestamp,
});
export type OutputUrlsResponse = z.infer<typeof OutputUrlsResponse>;

/** `POST /api/instances/:id/sync`: ask the agent to upload everything now and wait for an empty backlog. */
export const SyncInstanceRequest = z.object({
  /** How long to wait for the agent's confirmation. */
  timeoutSeconds: z.number().int().min(1).max(3600).default(120),
});
export const SyncInstanceResponse = z.object({
  /** `synced`: the agent confirmed an empty backlog; `timeout`: it did not within the time; `failed`: it said why. */
  result: z.enum(['synced', 'timeout', 'failed']),
  message: z.string().nullable(),
  sync: SyncStatus.nullable(),
});
export type SyncInstanceResponse = z.infer<typeof SyncInstanceResponse>;

/** `POST /api/outputs/zip`: a link that downloads these outputs as one zip, streamed by the hub. */
export const ZipOutputsRequest = z.strictObject({ ids: OutputIds });
export type ZipOutputsRequest = z.infer<typeof ZipOutputsRequest>;

export const ZipOutputsResponse = z.object({
  /** The hub's path of the zip (GET it: no session needed, it is the ticket); valid until `expiresAt`. */
  url: z.string(),
  expiresAt: Timestamp,
  files: z.number().int(),
  /** The zip's size: the files' bytes plus the archive's headers. */
  sizeBytes: z.number().int(),
});
export type ZipOutputsResponse = z.infer<typeof ZipOutputsResponse>;

export const ZipTicketParams = z.object({
  ticket: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a zip ticket from POST /api/outputs/zip'),
});
