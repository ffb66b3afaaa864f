import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  type ModelKind,
  ModelSummary,
  PresignPartsResponse,
  StartModelUploadResponse,
  type UploadedPart,
} from '@podpilot/common';
import { CliError } from './cli-error.js';
import type { HubClient } from './hub-client.js';
import { PartUploader } from './put-part.js';
import type { UploadJournal } from './upload-journal.js';

export interface PushProgress {
  phase: 'hash' | 'upload';
  doneBytes: number;
  totalBytes: number;
}

export interface PushOptions {
  file: string;
  kind: ModelKind;
  name?: string;
  /** Parts in flight at once (each holds one part in memory). */
  parallel?: number;
  onProgress?: (progress: PushProgress) => void;
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

const PRESIGN_BATCH = 32;
const MAX_ATTEMPTS = 5;

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  const start = await hub.request('POST', '/api/models/uploads', {
    body: {
      sha256,
      sizeBytes: info.size,
      name: options.name ?? fileName.replace(/\.[^.]+$/, ''),
      kind: options.kind,
      fileName,
    },
    schema: StartModelUploadResponse,
  });
  if (start.status === 'exists') {
    await journal.forget(path);
    return { sha256, outcome: 'exists', model: start.model, sentParts: [] };
  }

  const { partSize, partCount } = start;
  const expectedSize = (n: number) => (n < partCount ? partSize : info.size - partSize * (partCount - 1));
  const done = new Map<number, string>();
  for (const p of start.uploaded)
    if (p.sizeBytes === expectedSize(p.partNumber)) done.set(p.partNumber, p.etag);
  const todo = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !done.has(n));

  const urls = new Map<number, Promise<string>>();
  const urlFor = (n: number, refresh = false): Promise<string> => {
    if (refresh || !urls.has(n)) {
      const batch = refresh
        ? [n]
        : todo.filter((m) => m >= n && (!urls.has(m) || m === n)).slice(0, PRESIGN_BATCH);
      const answer = hub.request('POST', `/api/models/${sha256}/upload/parts`, {
        body: { partNumbers: batch },
        schema: PresignPartsResponse,
      });
      for (const m of batch)
        urls.set(
          m,
          answer.then((a) => a.parts.find((p) => p.partNumber === m)?.url ?? ''),
        );
    }
    return urls.get(n) as Promise<string>;
  };

  let doneBytes = [...done.keys()].reduce((sum, n) => sum + expectedSize(n), 0);
  const sentParts: number[] = [];
  const parallel = Math.min(options.parallel ?? 8, Math.max(todo.length, 1));
  const uploader = new PartUploader(parallel);
  const file = await open(path, 'r');
  try {
    const queue = [...todo];
    const worker = async () => {
      const buffer = Buffer.allocUnsafe(partSize);
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
        const size = expectedSize(n);
        const { bytesRead } = await file.read(buffer, 0, size, (n - 1) * partSize);
        if (bytesRead !== size)
          throw new CliError(`${options.file} changed while it was being pushed; push it again`);
        done.set(n, await putPart(n, buffer.subarray(0, size)));
        sentParts.push(n);
        doneBytes += size;
        options.onPartUploaded?.(n);
        options.onProgress?.({ phase: 'upload', doneBytes, totalBytes: info.size });
      }
    };
    const putPart = async (n: number, body: Buffer): Promise<string> => {
      for (let attempt = 1; ; attempt++) {
        options.signal?.throwIfAborted();
        try {
          const res = await fetch(await urlFor(n, attempt > 1), {
            method: 'PUT',
            body,
            signal: options.signal,
          });
          const etag = res.headers.get('etag');
          if (res.ok && etag) return etag;
          if (res.status < 500 && res.status !== 403 && res.status !== 429) {
            throw new CliError(
              `storage refused part ${n}: ${res.status} ${(await res.text()).slice(0, 200)}`,
            );
          }
        } catch (error) {
          if (error instanceof CliError || options.signal?.aborted || attempt >= MAX_ATTEMPTS) throw error;
        }
        if (attempt >= MAX_ATTEMPTS)
          throw new CliError(`part ${n} failed ${MAX_ATTEMPTS} times; run the push again to resume`);
        await sleep(250 * 2 ** attempt * (0.5 + Math.random()));
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    uploader.close();
    await file.close();
  }

  const parts: UploadedPart[] = [...done.entries()].map(([partNumber, etag]) => ({ partNumber, etag }));
  const model = await hub.request('POST', `/api/models/${sha256}/upload/complete`, {
    body: { parts },
    schema: ModelSummary,
  });
  await journal.forget(path);
  return { sha256, outcome: 'uploaded', model, sentParts };
}
