import { cutToCodeUnits } from '@podpilot/common';
import { isTransientStatus, type PartUploader, uploadFileParts } from '@podpilot/common/node';
import type { Entry, Plan } from './backlog.js';
import type { ConfirmFile } from './confirmer.js';
import type { OutputHub } from './types.js';

/** Parts of one multipart upload in flight at once. */
const PART_PARALLEL = 4;

/** What storing gave: the parts to confirm (multipart), or storage's refusal of a PUT (its URL is spent). */
export type Stored = { parts: ConfirmFile['parts'] } | { refused: string };

/**
 * Puts the file's bytes into storage as `plan` says: one presigned PUT streamed from the file, or the
 * resumable multipart upload (parts retried by the common core). Throws when storage is away (network,
 * 408, 429, 5xx) or the file changed while it was sent.
 */
export async function storeFile(
  e: Entry,
  plan: Plan,
  io: { putter: PartUploader; hub: OutputHub; signal: AbortSignal },
): Promise<Stored> {
  if (plan.status === 'put') {
    const res = await io.putter.put(plan.url, { path: e.abs, size: e.size }, io.signal);
    const answer = `${res.status} ${cutToCodeUnits(res.body, 200)}`;
    if (isTransientStatus(res.status)) throw new Error(`storage answered ${answer}`);
    if (res.status < 200 || res.status >= 300) return { refused: `storage refused ${e.rel}: ${answer}` };
    return { parts: undefined };
  }
  const { key, uploadId, partSize, partCount } = plan;
  const sent = await uploadFileParts({
    path: e.abs,
    size: e.size,
    plan: { partSize, partCount, uploaded: [] },
    presign: (numbers) => io.hub.outputParts(key, uploadId, numbers),
    parallel: PART_PARALLEL,
    attempts: 3,
    signal: io.signal,
  });
  return { parts: sent.parts };
}
