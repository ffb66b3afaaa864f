import { open } from 'node:fs/promises';
import type { UploadedPart } from '../api/models.js';
import { retry } from '../retry/retry.js';
import { PartUploader, type PutResult } from './part-uploader.js';

/** What the hub answered when the upload was started or resumed. */
export interface MultipartPlan {
  partSize: number;
  partCount: number;
  /** Parts the store already holds (a resumed upload); those of the expected size are not sent again. */
  uploaded: { partNumber: number; etag: string; sizeBytes: number }[];
}

export interface UploadFilePartsOptions {
  /** The file to send; it must not change while it is sent. */
  path: string;
  size: number;
  plan: MultipartPlan;
  /** Presigned PUT URLs for these parts (asked in batches, asked again for a part whose URL failed). */
  presign: (partNumbers: number[]) => Promise<{ partNumber: number; url: string }[]>;
  /** Parts in flight at once; each holds one part in memory. */
  parallel?: number;
  attempts?: number;
  signal?: AbortSignal;
  /** After each part is stored, with the bytes stored so far (resumed parts included). */
  onPart?: (partNumber: number, doneBytes: number) => void;
}

/** A part could not be stored: the storage refused it, retries ran out, or the file changed. */
export class PartUploadError extends Error {
  override name = 'PartUploadError';
}

/** One try of a part failed in a way worth another (network, 5xx, 429, 403: an expired URL). */
class PartAttemptError extends Error {}

const PRESIGN_BATCH = 32;

/** Presigned URLs per part, asked in batches of the parts still to send (again for one whose URL failed). */
function presignedUrls(options: UploadFilePartsOptions, todo: number[]) {
  const urls = new Map<number, Promise<string>>();
  return (n: number, refresh: boolean): Promise<string> => {
    if (refresh || !urls.has(n)) {
      const batch = refresh
        ? [n]
        : todo.filter((m) => m >= n && (!urls.has(m) || m === n)).slice(0, PRESIGN_BATCH);
      const answer = options.presign(batch);
      for (const m of batch)
        urls.set(
          m,
          answer.then((parts) => parts.find((p) => p.partNumber === m)?.url ?? ''),
        );
    }
    return urls.get(n) as Promise<string>;
  };
}

/**
 * A part's PUT with its retries (common `retry`, exponential backoff with jitter): network errors, 5xx, 429
 * and 403 (an expired URL, presigned again) are tried again; other refusals and exhaustion throw
 * PartUploadError; an abort throws the signal's reason.
 */
function partPutter(
  uploader: PartUploader,
  urlFor: (n: number, refresh: boolean) => Promise<string>,
  attempts: number,
  signal: AbortSignal | undefined,
) {
  const putOnce = async (n: number, body: Buffer, attempt: number): Promise<string> => {
    let res: PutResult;
    try {
      res = await uploader.put(await urlFor(n, attempt > 0), body, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new PartAttemptError((error as Error).message);
    }
    if (res.status >= 200 && res.status < 300 && res.etag) return res.etag;
    const problem = `${res.status} ${res.body.slice(0, 200)}`;
    if (res.status < 500 && res.status !== 403 && res.status !== 429)
      throw new PartUploadError(`storage refused part ${n}: ${problem}`);
    throw new PartAttemptError(problem);
  };
  return (n: number, body: Buffer): Promise<string> =>
    retry((attempt) => putOnce(n, body, attempt), {
      attempts,
      retryable: (error) => error instanceof PartAttemptError,
      baseMs: 500,
      jitter: 'half',
      signal,
    }).catch((error: unknown) => {
      signal?.throwIfAborted();
      if (!(error instanceof PartAttemptError)) throw error;
      throw new PartUploadError(`part ${n} failed ${attempts} times (last: ${error.message})`);
    });
}

/**
 * Sends the parts of `path` the store does not hold yet, in parallel, straight to storage through presigned
 * URLs, and returns every part's ETag for the completion call. Each part is retried with exponential backoff
 * and jitter (network errors, 5xx, 429, and 403 — an expired URL is presigned again). Resumable by
 * construction: a second call with the plan the hub returns then sends only the missing parts.
 * Throws PartUploadError, or the signal's reason when aborted.
 */
export async function uploadFileParts(
  options: UploadFilePartsOptions,
): Promise<{ parts: UploadedPart[]; sentParts: number[] }> {
  const { partSize, partCount } = options.plan;
  const size = options.size;
  const expectedSize = (n: number) => (n < partCount ? partSize : size - partSize * (partCount - 1));
  const done = new Map<number, string>();
  for (const p of options.plan.uploaded)
    if (p.sizeBytes === expectedSize(p.partNumber)) done.set(p.partNumber, p.etag);
  const todo = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !done.has(n));

  let doneBytes = [...done.keys()].reduce((sum, n) => sum + expectedSize(n), 0);
  const sentParts: number[] = [];
  const parallel = Math.min(options.parallel ?? 8, Math.max(todo.length, 1));
  const uploader = new PartUploader(parallel);
  const putPart = partPutter(uploader, presignedUrls(options, todo), options.attempts ?? 5, options.signal);
  const file = await open(options.path, 'r');
  try {
    const queue = [...todo];
    const worker = async () => {
      const buffer = Buffer.allocUnsafe(partSize);
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
        const length = expectedSize(n);
        const { bytesRead } = await file.read(buffer, 0, length, (n - 1) * partSize);
        if (bytesRead !== length)
          throw new PartUploadError(`${options.path} changed while it was being sent`);
        done.set(n, await putPart(n, buffer.subarray(0, length)));
        sentParts.push(n);
        doneBytes += length;
        options.onPart?.(n, doneBytes);
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    uploader.close();
    await file.close();
  }
  const parts = [...done.entries()]
    .map(([partNumber, etag]) => ({ partNumber, etag }))
    .sort((a, b) => a.partNumber - b.partNumber);
  return { parts, sentParts };
}
