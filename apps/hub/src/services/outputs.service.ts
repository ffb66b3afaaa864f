import type { Readable } from 'node:stream';
import {
  type ConfirmOutputsRequest,
  type ConfirmOutputsResponse,
  type ListOutputsQuery,
  type ListOutputsResponse,
  type OutputFile,
  type OutputMetadata,
  type OutputSummary,
  type OutputUploadPlan,
  type OutputUrlsResponse,
  type PresignOutputsResponse,
  type PresignPartsResponse,
  type SyncInstanceResponse,
  SyncStatus,
} from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import pLimit from 'p-limit';
import sharp from 'sharp';
import type { Db } from '../db/db.js';
import { iso, isoOrNull } from '../lib/dates.js';
import { conflict, forbidden, HttpError, notFound } from '../lib/http-error.js';
import { pngTextChunks } from '../lib/png-text.js';
import { AgentActivityRepository } from '../repositories/agent-activity.repository.js';
import { type OutputRow, OutputsRepository, type PendingUpload } from '../repositories/outputs.repository.js';
import {
  choosePartSize,
  MAX_KEY_BYTES,
  type ObjectStorage,
  StorageMultipartError,
  StorageUploadNotFoundError,
} from '../storage/index.js';

const MiB = 1024 * 1024;
/** Files up to this size go up in one PUT; bigger ones in parts. */
const MULTIPART_THRESHOLD_BYTES = 64 * MiB;
/** As for models: few requests for big videos, parallelism for a few hundred MiB. */
const PREFERRED_PART_SIZE = 16 * MiB;
const UPLOAD_URL_TTL_SECONDS = 3600;
const DOWNLOAD_URL_TTL_SECONDS = 3600;
/** Images bigger than this get no thumbnail (the hub reads the whole file into memory for it). */
const MAX_THUMBNAIL_SOURCE_BYTES = 64 * MiB;
const THUMBNAIL_MAX_SIDE = 256;
const SYNC_POLL_MS = 250;
/** Storage calls (signing, checks) of one presign or confirm batch in flight at once. */
const STORAGE_PARALLEL = 16;

/** An output already indexed, as a repeated confirm finds it. */
interface StoredOutput {
  id: string;
  sha256: string;
}

/** Where version `version` of an output lives: the first at its own path, later ones under `.versions/<n>/`. */
export const outputKey = (instanceId: string, path: string, version: number): string =>
  version === 1 ? `outputs/${instanceId}/${path}` : `outputs/${instanceId}/.versions/${version}/${path}`;

export const thumbnailKey = (outputId: string): string => `thumbnails/${outputId}.webp`;

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  avi: 'video/x-msvideo',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  safetensors: 'application/octet-stream',
};
/** The formats the hub makes thumbnails of. */
const THUMBNAILED = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

/** The content type of a path by its extension, or null for an unknown one. */
export function contentTypeOf(path: string): string | null {
  const name = path.split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? (CONTENT_TYPES[name.slice(dot + 1).toLowerCase()] ?? null) : null;
}

const baseName = (path: string) => path.split('/').pop() ?? path;

const toSummary = (row: OutputRow): OutputSummary => ({
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
  metadata: row.metadata,
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

const badRequest = (path: string, message: string) =>
  new HttpError(400, 'invalid_request', `${path}: ${message}`, [{ path, message }]);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface OutputsServiceOptions {
  /** Files above this many bytes are uploaded in parts (default 64 MiB). */
  multipartThresholdBytes?: number;
  /** Preferred part size of those uploads (default 16 MiB; at least 5 MiB is used). */
  preferredPartSize?: number;
}

/**
 * The output index: agents upload finished files through presigned URLs scoped to their own instance's
 * prefix and confirm them; the hub records each (path, version), makes thumbnails and reads the generation
 * settings PNGs carry; the owner lists, searches and downloads them.
 */
export class OutputsService {
  private readonly outputs: OutputsRepository;
  private readonly activity: AgentActivityRepository;
  private readonly multipartThreshold: number;
  private readonly preferredPartSize: number;
  /** Thumbnails and metadata are made one file at a time, after the confirm has answered. */
  private derivations: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly storage: ObjectStorage,
    private readonly log: FastifyBaseLogger,
    options: OutputsServiceOptions = {},
  ) {
    this.outputs = new OutputsRepository(db);
    this.activity = new AgentActivityRepository(db);
    this.multipartThreshold = options.multipartThresholdBytes ?? MULTIPART_THRESHOLD_BYTES;
    this.preferredPartSize = options.preferredPartSize ?? PREFERRED_PART_SIZE;
  }

  // --- agent side -----------------------------------------------------------------------------------------

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
    const mismatch = (i: number, file: ConfirmOutputsRequest['files'][number]) =>
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
    const fresh = new Map<string, ConfirmOutputsRequest['files'][number]>();
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
        this.enqueueDerivation(row.id);
    }
    return { confirmed };
  }

  /**
   * Verifies a file not yet indexed in storage (its multipart upload completed, its size as claimed).
   * Throws 409 otherwise.
   */
  private async checkStored(i: number, file: ConfirmOutputsRequest['files'][number]): Promise<null> {
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

  private async completeParts(i: number, file: ConfirmOutputsRequest['files'][number]): Promise<void> {
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

  // --- thumbnails and metadata ----------------------------------------------------------------------------

  private enqueueDerivation(outputId: string): void {
    this.derivations = this.derivations.then(() =>
      this.derive(outputId).catch((error: unknown) =>
        this.log.warn({ err: error, outputId }, 'output: reading the image for its thumbnail failed'),
      ),
    );
  }

  /**
   * Queues the thumbnails and metadata a previous run of the hub did not get to (it stopped with the queue
   * not empty); returns how many. Call once at start. Each image is read once: a broken one is recorded as
   * done with empty metadata and not tried again.
   */
  async resumeDerivations(limit = 10_000): Promise<number> {
    const ids = await this.outputs.underived([...THUMBNAILED], MAX_THUMBNAIL_SOURCE_BYTES, limit);
    for (const id of ids) this.enqueueDerivation(id);
    return ids.length;
  }

  /** Resolves when every thumbnail queued so far is made (tests; shutdown). */
  async idle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.derivations;
      await current;
    } while (current !== this.derivations);
  }

  /**
   * Makes the thumbnail (WebP, 256 px on the longer side) and reads width, height and, from PNGs, the
   * generation settings UIs embed: A1111/Forge `parameters`, ComfyUI `prompt` and `workflow`. A broken image
   * gets no thumbnail (logged); whatever could be read is still recorded.
   */
  private async derive(outputId: string): Promise<void> {
    const row = await this.outputs.find(outputId);
    if (!row) return;
    const bytes = await readAll(await this.storage.get(row.storageKey));
    const metadata: OutputMetadata = {};
    if (row.contentType === 'image/png') {
      const texts = pngTextChunks(bytes);
      for (const keyword of ['parameters', 'prompt', 'workflow'] as const) {
        const text = texts[keyword];
        if (text !== undefined) metadata[keyword] = text;
      }
    }
    let thumbnail: string | null = null;
    try {
      const info = await sharp(bytes).metadata();
      if (info.width) metadata.width = info.width;
      // An animated image's `height` is the sum of its pages; `pageHeight` is one frame.
      const height = info.pageHeight ?? info.height;
      if (height) metadata.height = height;
      const webp = await sharp(bytes)
        .rotate()
        .resize(THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer();
      thumbnail = thumbnailKey(outputId);
      await this.storage.put(thumbnail, webp, { contentType: 'image/webp', contentLength: webp.length });
    } catch (error) {
      thumbnail = null;
      this.log.warn({ err: error, outputId, path: row.path }, 'output: no thumbnail (unreadable image)');
    }
    const searchText = [row.path, metadata.parameters, metadata.prompt]
      .filter((s): s is string => typeof s === 'string')
      .join('\n')
      .toLowerCase();
    await this.outputs.setDerived(outputId, {
      thumbnailKey: thumbnail,
      metadata, // `{}` when the image holds nothing: still marks it as done
      searchText,
    });
  }

  // --- owner side -----------------------------------------------------------------------------------------

  async list(query: ListOutputsQuery): Promise<ListOutputsResponse> {
    const words = query.q?.toLowerCase().split(/\s+/).filter(Boolean);
    const rows = await this.outputs.list({
      ...(query.instance ? { instanceId: query.instance } : {}),
      ...(query.profile ? { profile: query.profile } : {}),
      ...(query.since ? { since: query.since } : {}),
      ...(query.until ? { until: query.until } : {}),
      ...(query.path ? { path: query.path } : {}),
      ...(words?.length ? { words } : {}),
      ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      outputs: page.map(toSummary),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
    };
  }

  async get(id: string): Promise<OutputSummary> {
    return toSummary(await this.require(id));
  }

  /** Presigned downloads: the file (offered under its own name) and its thumbnail when there is one. */
  async urls(id: string): Promise<OutputUrlsResponse> {
    const row = await this.require(id);
    const name = baseName(row.path);
    const url = await this.storage.presignGet(row.storageKey, {
      expiresInSeconds: DOWNLOAD_URL_TTL_SECONDS,
      ...(name.length <= 255 ? { downloadName: name } : {}),
    });
    const thumbnailUrl = row.thumbnailKey
      ? await this.storage.presignGet(row.thumbnailKey, { expiresInSeconds: DOWNLOAD_URL_TTL_SECONDS })
      : null;
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
    const commandId = await this.activity.createCommand(instanceId, 'sync-now', { final: true });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.activity.commandResult(instanceId, commandId);
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
