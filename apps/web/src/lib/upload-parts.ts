import type { UploadedPart } from '@podpilot/common';
import { errorMessage } from '@podpilot/common';

/** What the hub answered to `POST /api/models/uploads` when there is something to send. */
export interface MultipartPlan {
  partSize: number;
  partCount: number;
  /** Parts the store already holds (a resumed upload). */
  uploaded: { partNumber: number; etag: string; sizeBytes: number }[];
}

/** One part of the file: bytes `start` (inclusive) to `end` (exclusive). */
export interface PartRange {
  partNumber: number;
  start: number;
  end: number;
}

/** A part could not be stored: the storage refused it, or retries ran out. */
export class PartUploadError extends Error {
  override name = 'PartUploadError';
}

/** The byte range of part `partNumber` (1-based); every part is `partSize` long but the last. */
export function partRange(partNumber: number, size: number, partSize: number): PartRange {
  const start = (partNumber - 1) * partSize;
  return { partNumber, start, end: Math.min(start + partSize, size) };
}

/**
 * Which parts still have to be sent, like `podpilot models push`: parts 1..partCount of `partSize` bytes
 * (the last one shorter); a part the store already holds with the expected size is kept, any other is sent
 * again. Throws when the plan does not describe a file of `size` bytes.
 */
export function planParts(
  size: number,
  plan: MultipartPlan,
): { todo: PartRange[]; done: Map<number, string>; doneBytes: number } {
  if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError(`expected a file size > 0, got ${size}`);
  if (!(plan.partSize > 0) || plan.partCount !== Math.ceil(size / plan.partSize)) {
    throw new RangeError(
      `the hub planned ${plan.partCount} parts of ${plan.partSize} bytes, which does not fit ${size} bytes`,
    );
  }
  const done = new Map<number, string>();
  let doneBytes = 0;
  for (const part of plan.uploaded) {
    if (part.partNumber < 1 || part.partNumber > plan.partCount) continue;
    const range = partRange(part.partNumber, size, plan.partSize);
    if (part.sizeBytes === range.end - range.start && !done.has(part.partNumber)) {
      done.set(part.partNumber, part.etag);
      doneBytes += part.sizeBytes;
    }
  }
  const todo: PartRange[] = [];
  for (let n = 1; n <= plan.partCount; n++) {
    if (!done.has(n)) todo.push(partRange(n, size, plan.partSize));
  }
  return { todo, done, doneBytes };
}

/** The answer to one part PUT. `etag` is null when the storage sent none or the browser hid it (CORS). */
export interface PutResult {
  status: number;
  etag: string | null;
}

export type PutPart = (
  url: string,
  body: Blob,
  /** Bytes of this attempt sent so far. */
  onBytes: (sent: number) => void,
  signal: AbortSignal,
) => Promise<PutResult>;

export interface UploadPartsOptions {
  file: Blob;
  plan: MultipartPlan;
  /** Presigned PUT URLs for these parts (asked in batches; asked again for a part whose attempt failed). */
  presign: (partNumbers: number[]) => Promise<{ partNumber: number; url: string }[]>;
  put: PutPart;
  /** Parts in flight at once. */
  parallel?: number;
  /** Tries per part before giving up. */
  attempts?: number;
  signal?: AbortSignal;
  /** Bytes stored or in flight, resumed parts included; called often. */
  onProgress?: (doneBytes: number) => void;
  /** Waits before a retry (tests make it instant). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const PRESIGN_BATCH = 32;

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Whether a failed attempt is worth another: network trouble, the storage failing, throttling, an expired URL. */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status >= 500 || status === 403 || status === 408 || status === 429;
}

/** Bytes stored plus bytes of the attempts in flight, told to `onProgress` at every change. */
function progressReporter(storedBytes: number, onProgress: ((doneBytes: number) => void) | undefined) {
  let stored = storedBytes;
  const inFlight = new Map<number, number>();
  const report = () => {
    let sending = 0;
    for (const bytes of inFlight.values()) sending += bytes;
    onProgress?.(stored + sending);
  };
  return {
    report,
    /** Bytes of part `n`'s attempt sent so far. */
    sending(n: number, bytes: number) {
      inFlight.set(n, bytes);
      report();
    },
    /** Part `n`'s attempt failed: its bytes no longer count. */
    failed(n: number) {
      inFlight.delete(n);
      report();
    },
    stored(n: number, bytes: number) {
      inFlight.delete(n);
      stored += bytes;
      report();
    },
  };
}

type Progress = ReturnType<typeof progressReporter>;

/**
 * Presigned URLs, asked in batches of the parts still to send from `n` on (a part reached later reuses its
 * URL); `refresh` asks a fresh one for a part whose attempt failed.
 */
function presignedUrls(todo: readonly PartRange[], presign: UploadPartsOptions['presign']) {
  const urls = new Map<number, Promise<string>>();
  return (n: number, refresh: boolean): Promise<string> => {
    const known = urls.get(n);
    if (known && !refresh) return known;
    const batch = refresh
      ? [n]
      : todo
          .map((p) => p.partNumber)
          .filter((m) => m >= n && (m === n || !urls.has(m)))
          .slice(0, PRESIGN_BATCH);
    const answer = presign(batch);
    for (const m of batch) {
      const found = answer.then((parts) => {
        const part = parts.find((p) => p.partNumber === m);
        if (!part) throw new PartUploadError(`the hub sent no URL for part ${m}`);
        return part.url;
      });
      found.catch(() => {}); // awaited by the part's worker; unhandled only for parts never reached
      urls.set(m, found);
    }
    return urls.get(n) as Promise<string>;
  };
}

interface SendContext {
  file: Blob;
  put: PutPart;
  urlFor: (n: number, refresh: boolean) => Promise<string>;
  progress: Progress;
  signal: AbortSignal;
}

/** One PUT of a part: its ETag, or why a retry may help (throws when it cannot). */
async function putOnce(
  part: PartRange,
  body: Blob,
  attempt: number,
  ctx: SendContext,
): Promise<{ etag: string } | { problem: string }> {
  const url = await ctx.urlFor(part.partNumber, attempt > 1);
  const result = await ctx.put(url, body, (sent) => ctx.progress.sending(part.partNumber, sent), ctx.signal);
  if (result.status >= 200 && result.status < 300) {
    if (result.etag) return { etag: result.etag };
    throw new PartUploadError(
      `storage stored part ${part.partNumber} but the browser could not read its ETag ` +
        '(the bucket needs a CORS rule that exposes the ETag header)',
    );
  }
  const problem = `HTTP ${result.status}`;
  if (!isRetryableStatus(result.status)) {
    throw new PartUploadError(`storage refused part ${part.partNumber} (${problem})`);
  }
  return { problem };
}

/** Sends one part, retrying with exponential backoff (a fresh URL each retry); its ETag. */
async function sendPart(
  part: PartRange,
  ctx: SendContext & { attempts: number; sleep: NonNullable<UploadPartsOptions['sleep']> },
): Promise<string> {
  const body = ctx.file.slice(part.start, part.end);
  for (let attempt = 1; ; attempt++) {
    ctx.signal.throwIfAborted();
    let problem: string;
    try {
      const answer = await putOnce(part, body, attempt, ctx);
      if ('etag' in answer) return answer.etag;
      problem = answer.problem;
    } catch (error) {
      if (error instanceof PartUploadError || ctx.signal.aborted) throw error;
      problem = errorMessage(error);
    }
    ctx.progress.failed(part.partNumber);
    if (attempt >= ctx.attempts) {
      throw new PartUploadError(`part ${part.partNumber} failed ${ctx.attempts} times (last: ${problem})`);
    }
    await ctx.sleep(250 * 2 ** attempt * (0.5 + Math.random()), ctx.signal);
  }
}

/** Runs `work` on the queue with `parallel` workers; the first failure aborts `controller`, stopping the rest. */
async function runWorkers<T>(
  queue: T[],
  parallel: number,
  controller: AbortController,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) await work(item);
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(parallel, queue.length)) }, () =>
      worker().catch((error: unknown) => {
        if (!controller.signal.aborted) controller.abort(error);
        throw error;
      }),
    ),
  );
}

/**
 * Sends the parts the store does not hold yet, a few at a time, straight to storage through presigned
 * URLs, retrying each part with exponential backoff (a fresh URL each retry), and returns every part's
 * ETag for the completion call. Throws PartUploadError, or the signal's reason when aborted.
 */
export async function uploadParts(options: UploadPartsOptions): Promise<UploadedPart[]> {
  const { file, plan } = options;
  const controller = new AbortController();
  const outer = options.signal;
  const stop = () => controller.abort(outer?.reason);
  if (outer?.aborted) stop();
  outer?.addEventListener('abort', stop, { once: true });
  const signal = controller.signal;

  const { todo, done, doneBytes } = planParts(file.size, plan);
  const progress = progressReporter(doneBytes, options.onProgress);
  progress.report();
  const ctx = {
    file,
    put: options.put,
    urlFor: presignedUrls(todo, options.presign),
    progress,
    signal,
    attempts: options.attempts ?? 5,
    sleep: options.sleep ?? abortableSleep,
  };
  try {
    await runWorkers([...todo], options.parallel ?? 4, controller, async (part) => {
      done.set(part.partNumber, await sendPart(part, ctx));
      progress.stored(part.partNumber, part.end - part.start);
    });
  } catch (error) {
    throw outer?.aborted ? outer.reason : signal.reason instanceof Error ? signal.reason : error;
  } finally {
    outer?.removeEventListener('abort', stop);
  }
  return [...done.entries()]
    .map(([partNumber, etag]) => ({ partNumber, etag }))
    .sort((a, b) => a.partNumber - b.partNumber);
}
