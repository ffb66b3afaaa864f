import {
  type ConfirmOutputsRequest,
  type ConfirmOutputsResponse,
  type ListOutputsQuery,
  type ListOutputsResponse,
  type OutputFile,
  type OutputSummary,
  type OutputUrlsResponse,
  type PresignOutputsResponse,
  type PresignPartsResponse,
  type SyncInstanceResponse,
  SyncStatus,
  sleep,
} from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/db.js';
import { iso, isoOrNull } from '../../lib/dates.js';
import { HttpError, notFound } from '../../lib/http-error.js';
import { AgentCommandsRepository } from '../../repositories/agent-commands.repository.js';
import { OutputTrashRepository } from '../../repositories/output-trash.repository.js';
import { type OutputRow, OutputsRepository } from '../../repositories/outputs.repository.js';
import { PendingOutputsRepository } from '../../repositories/pending-outputs.repository.js';
import type { ObjectStorage } from '../../storage/index.js';
import { OutputConfirm } from './output-confirm.js';
import { OutputDerivations } from './output-derivations.js';
import { downloadNameOf, storedTypeOf } from './output-keys.js';
import { OutputPresign } from './output-presign.js';
import { filterOf, OutputTrash } from './output-trash.js';
import { MULTIPART_THRESHOLD_BYTES, PREFERRED_PART_SIZE } from './output-upload-rules.js';
import { OutputZips } from './output-zips.js';

export { contentTypeOf, outputKey, stagingKey, thumbnailKey } from './output-keys.js';

const DOWNLOAD_URL_TTL_SECONDS = 3600;
const SYNC_POLL_MS = 250;

const toSummary = (row: OutputRow, thumbnailUrl: string | null): OutputSummary => ({
  id: row.id,
  instanceId: row.instanceId,
  instanceName: row.instanceName,
  profile: row.profile,
  path: row.path,
  version: row.version,
  sizeBytes: row.sizeBytes,
  sha256: row.sha256,
  mtime: isoOrNull(row.mtime),
  contentType: row.contentType,
  createdAt: iso(row.createdAt),
  hasThumbnail: row.thumbnailKey !== null,
  thumbnailUrl,
  prompt: row.promptSummary || null,
  metadata: row.metadata,
  deletedAt: isoOrNull(row.deletedAt),
});

const encodeCursor = (row: OutputRow) =>
  Buffer.from(JSON.stringify([row.createdAtExact, row.id])).toString('base64url');

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof createdAt === 'string' &&
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(createdAt) &&
      typeof id === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)
    )
      return { createdAt, id };
  } catch {
    // falls through to the error below
  }
  throw new HttpError(400, 'invalid_request', 'cursor: expected the nextCursor of a previous page', [
    { path: 'querystring.cursor', message: 'expected the nextCursor of a previous page' },
  ]);
}

export interface OutputsServiceOptions {
  /** Files above this many bytes are uploaded in parts (default 64 MiB). */
  multipartThresholdBytes?: number;
  /** Preferred part size of those uploads (default 16 MiB; at least 5 MiB is used). */
  preferredPartSize?: number;
  /** How long deleted outputs stay restorable (default 7 days). */
  trashGraceMs?: number;
}

/**
 * The output index: agents upload finished files through presigned URLs to staging keys of their own and
 * confirm them; the hub moves each to its key, verifies it there (size, sha256), records each (path,
 * version), makes thumbnails and reads the generation settings PNGs carry; the owner lists, searches and
 * downloads them.
 */
export class OutputsService {
  private readonly outputs: OutputsRepository;
  private readonly commands: AgentCommandsRepository;
  private readonly derivations: OutputDerivations;
  /** Plans uploads and signs parts (output-presign.ts). */
  private readonly presigner: OutputPresign;
  /** Confirms uploaded files into the index (output-confirm.ts). */
  private readonly confirmer: OutputConfirm;
  /** Deleting, restoring and purging (output-trash.ts). */
  readonly trash: OutputTrash;
  /** Selections as one zip (output-zips.ts). */
  readonly zips: OutputZips;

  constructor(
    db: Db,
    private readonly storage: ObjectStorage,
    log: FastifyBaseLogger,
    options: OutputsServiceOptions = {},
  ) {
    this.outputs = new OutputsRepository(db);
    this.commands = new AgentCommandsRepository(db);
    this.derivations = new OutputDerivations(storage, this.outputs, log);
    const pending = new PendingOutputsRepository(db);
    this.presigner = new OutputPresign(
      db,
      storage,
      pending,
      options.multipartThresholdBytes ?? MULTIPART_THRESHOLD_BYTES,
      options.preferredPartSize ?? PREFERRED_PART_SIZE,
    );
    this.confirmer = new OutputConfirm(db, storage, this.outputs, pending, this.derivations);
    this.trash = new OutputTrash(new OutputTrashRepository(db), storage, log, options.trashGraceMs);
    this.zips = new OutputZips(db, storage);
  }

  // --- agent side -----------------------------------------------------------------------------------------

  /**
   * Plans the upload of each file, in request order: `indexed` when the latest indexed version of its path
   * has its sha256; otherwise the next version with a PUT URL or a multipart upload. Idempotent: the same
   * (path, sha256) gets the same version, key and multipart upload until it is confirmed.
   */
  presign(instanceId: string, files: OutputFile[]): Promise<PresignOutputsResponse> {
    return this.presigner.presign(instanceId, files);
  }

  /** Presigned PUT URLs for parts of a multipart upload the hub handed out to this instance. */
  presignParts(
    instanceId: string,
    key: string,
    uploadId: string,
    partNumbers: number[],
  ): Promise<PresignPartsResponse> {
    return this.presigner.presignParts(instanceId, key, uploadId, partNumbers);
  }

  /**
   * Records uploaded files in the index, in request order (see OutputConfirm.confirm). Thumbnails and PNG
   * metadata follow in the background.
   */
  confirm(instanceId: string, files: ConfirmOutputsRequest['files']): Promise<ConfirmOutputsResponse> {
    return this.confirmer.confirm(instanceId, files);
  }

  // --- thumbnails and metadata ----------------------------------------------------------------------------

  /**
   * Queues the thumbnails and metadata a previous run of the hub did not get to; returns how many. Call
   * once at start.
   */
  resumeDerivations(limit = 10_000): Promise<number> {
    return this.derivations.resume(limit);
  }

  /** Resolves when every thumbnail queued so far is made (tests; shutdown). */
  idle(): Promise<void> {
    return this.derivations.idle();
  }

  // --- owner side -----------------------------------------------------------------------------------------

  async list(query: ListOutputsQuery): Promise<ListOutputsResponse> {
    const rows = await this.outputs.list({
      ...filterOf(query),
      ...(query.deleted ? { deleted: true } : {}),
      ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      outputs: await Promise.all(page.map(async (row) => toSummary(row, await this.thumbnailUrl(row)))),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
    };
  }

  async get(id: string): Promise<OutputSummary> {
    const row = await this.require(id);
    return toSummary(row, await this.thumbnailUrl(row));
  }

  /** The thumbnail's signed URL (signed here, no request to storage), or null when there is none. */
  private thumbnailUrl(row: OutputRow): Promise<string | null> {
    if (!row.thumbnailKey) return Promise.resolve(null);
    return this.storage.presignGet(row.thumbnailKey, {
      expiresInSeconds: DOWNLOAD_URL_TTL_SECONDS,
      contentType: 'image/webp',
    });
  }

  /**
   * Presigned downloads: the file as an attachment (offered under its own name, or `output.<ext>` when that
   * name misleads, see downloadNameOf) with the type of the hub's table whatever it was stored with, and its
   * thumbnail when there is one.
   */
  async urls(id: string): Promise<OutputUrlsResponse> {
    const row = await this.require(id);
    const url = await this.storage.presignGet(row.storageKey, {
      expiresInSeconds: DOWNLOAD_URL_TTL_SECONDS,
      downloadName: downloadNameOf(row.path),
      contentType: storedTypeOf(row.path),
    });
    const thumbnailUrl = await this.thumbnailUrl(row);
    return {
      url,
      thumbnailUrl,
      expiresAt: new Date(Date.now() + DOWNLOAD_URL_TTL_SECONDS * 1000).toISOString(),
    };
  }

  /**
   * Asks the instance's agent for a final sync (`sync-now` with `{final: true}`) and waits, at most
   * `timeoutMs`, for its acknowledgement: `synced` (with the sync status its heartbeat reported), `failed`
   * (with its message) or `timeout`. Stop and destroy call this before they call the provider. Throws 404.
   */
  async finalSync(instanceId: string, timeoutMs: number): Promise<SyncInstanceResponse> {
    if (!(await this.outputs.instanceExists(instanceId))) throw notFound(`instance ${instanceId}`);
    const commandId = await this.commands.create(instanceId, 'sync-now', { final: true });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.commands.outcome(commandId, instanceId);
      if (result) {
        const sync = await this.reportedSync(instanceId);
        return result.ok
          ? { result: 'synced', message: result.message, sync }
          : { result: 'failed', message: result.message ?? 'the agent reported a failed sync', sync };
      }
      const left = deadline - Date.now();
      if (left <= 0)
        return {
          result: 'timeout',
          message: `the agent did not confirm the sync within ${Math.round(timeoutMs / 1000)} s`,
          sync: await this.reportedSync(instanceId),
        };
      await sleep(Math.min(SYNC_POLL_MS, left));
    }
  }

  private async reportedSync(instanceId: string): Promise<SyncStatus | null> {
    const parsed = SyncStatus.safeParse(await this.outputs.reportedSync(instanceId));
    return parsed.success ? parsed.data : null;
  }

  private async require(id: string): Promise<OutputRow> {
    const row = await this.outputs.find(id);
    if (!row) throw notFound(`output ${id}`);
    return row;
  }
}
