import { createHash } from 'node:crypto';
import type { ConfirmOutputsRequest } from '@podpilot/common';
import { conflict } from '../../lib/http-error.js';
import {
  type ObjectStorage,
  StorageMultipartError,
  StorageNotFoundError,
  StorageUploadNotFoundError,
} from '../../storage/index.js';
import { storedTypeOf } from './output-keys.js';

type ConfirmedFile = ConfirmOutputsRequest['files'][number];

/** sha256 of a stored object, streamed (one read, bounded memory). Throws StorageNotFoundError. */
export async function sha256Of(storage: ObjectStorage, key: string): Promise<string> {
  const stored = await readBack(storage, key);
  if (!stored) throw new StorageNotFoundError(key);
  return stored.sha256;
}

/** Size and sha256 of a stored object, streamed in one GET (bounded memory); null when it is not there. */
async function readBack(
  storage: ObjectStorage,
  key: string,
): Promise<{ size: number; sha256: string } | null> {
  const body = await storage.get(key).catch((error: unknown) => {
    if (error instanceof StorageNotFoundError) return null;
    throw error;
  });
  if (!body) return null;
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

/**
 * Takes an uploaded file from its staging key to `finalKey` and proves it is what the agent announced:
 * completes its multipart upload when parts are given, moves it (typed by the hub's table, see
 * `storedTypeOf`), then reads the object at `finalKey` back once for its size and sha256 — which no URL
 * reaches, so what was verified stays what is indexed. A mismatch deletes it. Three storage calls per file
 * (copy, delete, get: a sync confirms thousands). A repeat after a lost answer finds the staging key empty
 * and verifies `finalKey` again. Throws 409 naming the field.
 */
export async function verifyUpload(
  storage: ObjectStorage,
  i: number,
  file: ConfirmedFile,
  finalKey: string,
): Promise<void> {
  const what = `${file.path} (version ${file.version})`;
  if (file.uploadId && file.parts?.length) await completeParts(storage, i, file);
  await storage.move(file.key, finalKey, { contentType: storedTypeOf(file.path) }).catch((error) => {
    // Moved by an earlier confirm whose answer was lost, or by a concurrent one: the read below decides.
    if (!(error instanceof StorageNotFoundError)) throw error;
  });
  const stored = await readBack(storage, finalKey);
  if (!stored) throw conflict(`files[${i}].key: ${what} is not in storage; upload it, then confirm`);
  if (stored.size === file.sizeBytes && stored.sha256 === file.sha256) return;
  await storage.delete(finalKey);
  throw conflict(
    stored.size !== file.sizeBytes
      ? `files[${i}].sizeBytes: ${what} was uploaded with ${stored.size} bytes, expected ${file.sizeBytes}; presign and upload it again`
      : `files[${i}].sha256: ${what} was uploaded with sha256 ${stored.sha256}, expected ${file.sha256}; presign and upload it again`,
  );
}

/** Completes the file's multipart upload from its parts; 409 when the store refuses the parts. */
async function completeParts(storage: ObjectStorage, i: number, file: ConfirmedFile): Promise<void> {
  const parts = [...(file.parts ?? [])].sort((a, b) => a.partNumber - b.partNumber);
  try {
    await storage.completeMultipart(file.key, file.uploadId as string, parts);
  } catch (error) {
    // Completed by an earlier confirm whose answer was lost: the object is checked after this.
    if (error instanceof StorageUploadNotFoundError) return;
    if (error instanceof StorageMultipartError)
      throw conflict(`files[${i}].parts: ${file.path} (version ${file.version}): ${error.message}`);
    throw error;
  }
}
