import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** Bytes read per step: big enough to keep the hasher busy, small enough to keep memory flat. */
export const HASH_CHUNK_BYTES = 8 * 1024 * 1024;

export interface HashOptions {
  chunkBytes?: number;
  /** After each chunk, with the bytes hashed so far. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

/**
 * The lowercase hex SHA-256 of a `Blob` (a `File` picked in the browser), read one slice at a time so a
 * multi-gigabyte checkpoint never sits in memory whole. Throws the signal's reason when aborted.
 */
export async function sha256Blob(blob: Blob, options: HashOptions = {}): Promise<string> {
  const chunk = options.chunkBytes ?? HASH_CHUNK_BYTES;
  if (!(chunk > 0)) throw new RangeError('chunkBytes must be positive');
  const hash = sha256.create();
  let done = 0;
  // Read the next slice while the current one is hashed.
  let next: Promise<ArrayBuffer> | null = blob.size > 0 ? blob.slice(0, chunk).arrayBuffer() : null;
  while (next) {
    options.signal?.throwIfAborted();
    const buffer = await next;
    const end = done + buffer.byteLength;
    next = end < blob.size ? blob.slice(end, end + chunk).arrayBuffer() : null;
    hash.update(new Uint8Array(buffer));
    done = end;
    options.onProgress?.(done, blob.size);
  }
  options.signal?.throwIfAborted();
  return bytesToHex(hash.digest());
}
