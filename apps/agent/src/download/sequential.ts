import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { checkStatus, type HttpPool, readBody } from './http.js';
import { type RetryPolicy, withRetry } from './retry.js';

export interface SequentialJob {
  pool: HttpPool;
  url: URL;
  headers: Record<string, string>;
  model: string;
  /** The `.part` file, opened read/write; truncated on each attempt. */
  file: FileHandle;
  /** The probe's full response when it already is the whole file. */
  first: IncomingMessage | null;
  newHash: () => Hash;
  retry: RetryPolicy;
  signal: AbortSignal;
  onBytes: (received: number) => void;
}

/** Bytes gathered before one writev: few syscalls, bounded memory. */
const BATCH = 8 << 20;

/**
 * One plain GET streamed to the file and the hash, for servers without Range support or without a size.
 * Not resumable: a broken connection restarts from byte 0 (with backoff). Resolves with the hash and size.
 */
export async function downloadSequential(job: SequentialJob): Promise<{ hash: Hash; size: number }> {
  let first = job.first;
  return withRetry(
    async () => {
      const hash = job.newHash();
      await job.file.truncate(0);
      const res = first ?? (await job.pool.get(job.url, job.headers, job.signal));
      first = null;
      checkStatus(res, job.url, job.model);
      let pieces: Buffer[] = [];
      let pending = 0;
      let size = 0;
      let writing: Promise<unknown> = Promise.resolve();
      let writeError: unknown; // a disk error is not a network error: never retried
      const flush = () => {
        const batch = pieces;
        const position = size - pending;
        pieces = [];
        pending = 0;
        writing = writing.then(() => job.file.writev(batch, position));
        return writing;
      };
      await readBody(res, job.url, (piece) => {
        hash.update(piece);
        job.onBytes(piece.length);
        size += piece.length;
        pieces.push(piece);
        pending += piece.length;
        if (pending >= BATCH) {
          // The socket keeps filling its kernel buffer meanwhile; memory stays at one batch.
          res.pause();
          void flush().then(
            () => res.resume(),
            (error: unknown) => {
              writeError = error;
              res.destroy();
            },
          );
        }
      }).catch((error: unknown) => {
        throw writeError ?? error;
      });
      await flush();
      return { hash, size };
    },
    job.retry,
    job.signal,
  );
}
