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

/** sha256 of a stored object, streamed (one read, bounded memory). */
export async function sha256Of(storage: ObjectStorage, key: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await storage.get(key)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Takes an uploaded file from its staging key to `finalKey` and proves it is what the agent announced:
 * completes its multipart upload when parts are given, checks the staged size (a wrong one is deleted), moves
 * it (typed by the hub's table, see `storedTypeOf`), then checks size and sha256 of the object at `finalKey`
 * — which no URL reaches, so what was verified stays what is indexed. A mismatch deletes it. A repeat after a
 * lost answer finds the staging key empty and verifies `finalKey` again. Throws 409 naming the field.
 */
export async function verifyUpload(
  storage: ObjectStorage,
  i: number,
  file: ConfirmedFile,
  finalKey: string,
): Promise<void> {
  const what = `${file.path} (version ${file.version})`;
  if (file.uploadId && file.parts?.length) await completeParts(storage, i, file);
  const staged = await storage.head(file.key);
  if (staged && staged.size !== file.sizeBytes) {
    await storage.delete(file.key);
    throw conflict(
      `files[${i}].sizeBytes: ${what} was uploaded with ${staged.size} bytes, expected ${file.sizeBytes}; ` +
        'presign and upload it again',
    );
  }
  if (staged)
    await storage.move(file.key, finalKey, { contentType: storedTypeOf(file.path) }).catch((error) => {
      // A concurrent confirm of the same file moved it first: the checks below see its result.
      if (!(error instanceof StorageNotFoundError)) throw error;
    });
  const stored = await storage.head(finalKey);
  if (!stored) throw conflict(`files[${i}].key: ${what} is not in storage; upload it, then confirm`);
  const sha256 = stored.size === file.sizeBytes ? await sha256Of(storage, finalKey) : null;
  if (sha256 === file.sha256) return;
  await storage.delete(finalKey);
  throw conflict(
    sha256 === null
      ? `files[${i}].sizeBytes: ${what} is stored with ${stored.size} bytes, expected ${file.sizeBytes}; presign and upload it again`
      : `files[${i}].sha256: ${what} was uploaded with sha256 ${sha256}, expected ${file.sha256}; presign and upload it again`,
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
