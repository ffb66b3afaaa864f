import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  type ModelKind,
  type ModelSummary,
  modelsEndpoints,
  retry,
  type UploadedPart,
} from '@podpilot/common';
import { type MultipartPlan, PartUploadError, PartUploader, uploadFileParts } from '@podpilot/common/node';
import { CliError } from './cli-error.js';
import type { HubClient } from './hub-client.js';
import type { UploadJournal } from './upload-journal.js';

export interface PushProgress {
  /** `finish`: every part is sent; the hub joins them and checks the sha256 (a while for a large file). */
  phase: 'hash' | 'upload' | 'finish';
  doneBytes: number;
  totalBytes: number;
}

export interface PushOptions {
  file: string;
  kind: ModelKind;
  name?: string;
  /** Parts in flight at once (each holds one part in memory). */
  parallel?: number;
  /** Take the hub's single PUT for a small file (default); false: always multipart (resumable by part). */
  singlePut?: boolean;
  onProgress?: (progress: PushProgress) => void;
  /** An earlier push of this file left `stored` of its `of` parts on the hub: only the rest are sent. */
  onResume?: (stored: number, of: number) => void;
  /** Called after each part is stored (tests count what a resumed push re-sends). */
  onPartUploaded?: (partNumber: number) => void;
  signal?: AbortSignal;
}

export interface PushResult {
  sha256: string;
  /** `exists`: the library had the bytes and nothing was sent. */
  outcome: 'exists' | 'uploaded';
  model: ModelSummary;
  /** Parts sent by this run (a resumed push sends only the missing ones). */
  sentParts: number[];
}

/** Streams the file once through SHA-256 (OpenSSL, SHA-NI where the CPU has it). */
async function hashFile(
  path: string,
  total: number,
  onProgress?: (p: PushProgress) => void,
  signal?: AbortSignal,
) {
  const hash = createHash('sha256');
  let done = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 16 << 20, signal })) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onProgress?.({ phase: 'hash', doneBytes: done, totalBytes: total });
  }
  return hash.digest('hex');
}

/**
 * Pushes a model file into the library: hash (or reuse the journal's hash of an unchanged file), ask the
 * hub, then PUT the missing parts in parallel straight to storage through presigned URLs, retrying each
 * part, and complete. The content address is the storage key, so the hash must be known before the first
 * byte is sent; the upload pass then reads the file again, mostly from the page cache.
 */
export async function pushModel(
  hub: HubClient,
  journal: UploadJournal,
  options: PushOptions,
): Promise<PushResult> {
  const path = resolve(options.file);
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new CliError(`${options.file}: no such file`);
  if (info.size === 0) throw new CliError(`${options.file}: the file is empty`);
  const sha256 =
    (await journal.knownSha256(path, info.size, info.mtimeMs)) ??
    (await hashFile(path, info.size, options.onProgress, options.signal));
  await journal.remember(path, { size: info.size, mtimeMs: info.mtimeMs, sha256 });

  const fileName = basename(path);
  const start = await hub.call(modelsEndpoints.startUpload, {
    body: {
      sha256,
      sizeBytes: info.size,
      name: options.name ?? fileName.replace(/\.[^.]+$/, ''),
      kind: options.kind,
      fileName,
      singlePut: options.singlePut ?? true,
    },
  });
  if (start.status === 'exists') {
    await journal.forget(path);
    return { sha256, outcome: 'exists', model: start.model, sentParts: [] };
  }

  // One PUT (a small file) or the missing parts; either way the hub then checks the stored size.
  const { parts, sentParts } =
    start.status === 'put'
      ? await putWholeFile(path, info.size, start.url, options)
      : await sendParts(hub, sha256, path, info.size, start, options);
  options.onProgress?.({ phase: 'finish', doneBytes: info.size, totalBytes: info.size });
  const model = await hub.call(modelsEndpoints.completeUpload, { params: { sha256 }, body: { parts } });
  await journal.forget(path);
  return { sha256, outcome: 'uploaded', model, sentParts };
}

/** PUTs the parts the store lacks, in parallel, retrying each; a resumed push reports what was stored. */
async function sendParts(
  hub: HubClient,
  sha256: string,
  path: string,
  size: number,
  plan: MultipartPlan,
  options: PushOptions,
): Promise<{ parts: UploadedPart[]; sentParts: number[] }> {
  if (plan.uploaded.length) options.onResume?.(plan.uploaded.length, plan.partCount);
  try {
    return await uploadFileParts({
      path,
      size,
      plan,
      presign: async (partNumbers) =>
        (await hub.call(modelsEndpoints.uploadParts, { params: { sha256 }, body: { partNumbers } })).parts,
      parallel: options.parallel,
      signal: options.signal,
      onPart: (partNumber, doneBytes) => {
        options.onPartUploaded?.(partNumber);
        options.onProgress?.({ phase: 'upload', doneBytes, totalBytes: size });
      },
    });
  } catch (error) {
    if (error instanceof PartUploadError)
      throw new CliError(`${options.file}: ${error.message}; run the push again to resume`);
    throw error;
  }
}

const PUT_ATTEMPTS = 3;

/**
 * The whole file in one PUT (the hub plans one for a small file, as rclone does below its cutoff), streamed
 * from disk, tried again from the start after a network error or a 5xx / 429; a refusal fails at once.
 */
async function putWholeFile(
  path: string,
  size: number,
  url: string,
  options: PushOptions,
): Promise<{ parts: UploadedPart[]; sentParts: number[] }> {
  const uploader = new PartUploader(1);
  try {
    await retry(
      async () => {
        const onSent = (doneBytes: number) =>
          options.onProgress?.({ phase: 'upload', doneBytes, totalBytes: size });
        const answer = await uploader.put(url, { path, size, onSent }, options.signal);
        if (answer.status === 429 || answer.status >= 500)
          throw new Error(`storage answered ${answer.status}`);
        if (answer.status >= 300)
          throw new CliError(
            `${options.file}: storage refused the upload (${answer.status}) ${answer.body.slice(0, 200)}`,
          );
      },
      { attempts: PUT_ATTEMPTS, signal: options.signal, retryable: (error) => !(error instanceof CliError) },
    );
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${options.file}: uploading failed: ${(error as Error).message}; run the push again`);
  } finally {
    uploader.close();
  }
  options.onPartUploaded?.(1);
  return { parts: [], sentParts: [1] };
}
